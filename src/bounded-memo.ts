/**
 * Remembers the answers of a pure function of a string seen on every request (a Host or an
 * Accept-Encoding header, a signed cookie's value, a response's CSP): a site sees a handful of distinct
 * values at a time, and working each one out on every request showed in the profiles. Bounded, since
 * many values are the client's to choose: long keys are not kept, and the memo starts over when full.
 */
export class BoundedMemo<V> {
  readonly #answers = new Map<string, V>();

  constructor(
    private readonly compute: (key: string) => V,
    private readonly maxEntries = 256,
    private readonly maxKeyLength = 255,
  ) {}

  get(key: string): V {
    const known = this.#answers.get(key);
    if (known !== undefined) return known;
    const answer = this.compute(key);
    if (key.length <= this.maxKeyLength) {
      if (this.#answers.size >= this.maxEntries) this.#answers.clear();
      this.#answers.set(key, answer);
    }
    return answer;
  }
}

/** multipart/form-data bodies for tests, built by the platform's own FormData encoder. */

export type Part = string | { filename: string; type?: string; data: Uint8Array };

/** A multipart/form-data body (fields in the order given) and its content-type header. */
export async function multipart(parts: [string, Part][]): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [name, part] of parts) {
    if (typeof part === 'string') form.append(name, part);
    else {
      const blob = new Blob([Buffer.from(part.data)], { type: part.type ?? 'application/octet-stream' });
      form.append(name, blob, part.filename);
    }
  }
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return {
    body: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') ?? '',
  };
}

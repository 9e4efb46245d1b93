/** Skills in their categories, for the page and the PDF alike. */
import type { ResumeSkill } from './document.js';

/** Skills in their categories, categories in the order their first skill comes. */
export function skillGroups(list: readonly ResumeSkill[]): { category: string; skills: ResumeSkill[] }[] {
  const groups = new Map<string, ResumeSkill[]>();
  for (const skill of list) {
    const group = groups.get(skill.category) ?? [];
    group.push(skill);
    groups.set(skill.category, group);
  }
  return [...groups].map(([category, skills]) => ({ category, skills }));
}

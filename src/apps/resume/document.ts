/**
 * A résumé as its readers get it: one profile with everything under it, already sanitized and ordered.
 * The page (./page.tsx) and the PDF (./pdf/) both draw from this shape, and only from it, so the two
 * cannot disagree about what the résumé says.
 *
 * Rich text (`…Html`) is the output of the blog's sanitizer (src/apps/blog/markup/): only p, br,
 * strong/b, em/i, a[href], ul/ol/li, h2–h4, blockquote, code/pre and the like ever appear in it.
 * Dates are calendar dates as stored ('YYYY-MM-DD'); durations and labels are made per language by
 * whoever draws the résumé.
 */

export interface ResumeExperience {
  position: string;
  company: string;
  companyDescription: string;
  location: string;
  startDate: string;
  /** Null while current. */
  endDate: string | null;
  descriptionHtml: string;
}

export interface ResumeSkill {
  name: string;
  /** '' when the skill has no category. */
  category: string;
  /** 1–5, or null when not rated. */
  level: number | null;
}

export interface ResumeCertification {
  name: string;
  provider: string;
  /** Null when unknown. */
  dateObtained: string | null;
  /** http(s) only, else null. */
  credentialUrl: string | null;
}

export interface ResumeAchievement {
  title: string;
  descriptionHtml: string;
  /** A short name from a fixed list (see ./icons.ts), or ''. */
  icon: string;
}

export interface ResumeEducation {
  school: string;
  degree: string;
  field: string;
  startYear: number | null;
  endYear: number | null;
}

export interface ResumePhoto {
  /** The storage name, for reading the bytes (the PDF) or making a URL (the page). */
  name: string;
  width: number;
  height: number;
}

export interface ResumeDocument {
  id: number;
  fullName: string;
  title: string;
  email: string;
  location: string;
  /** http(s) only, each null when empty. */
  linkedinUrl: string | null;
  githubUrl: string | null;
  websiteUrl: string | null;
  summaryHtml: string;
  photo: ResumePhoto | null;
  updatedAt: Date;
  experience: ResumeExperience[];
  skills: ResumeSkill[];
  certifications: ResumeCertification[];
  achievements: ResumeAchievement[];
  education: ResumeEducation[];
}

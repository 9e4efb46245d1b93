CREATE TABLE "resume_achievement" (
	"id" serial PRIMARY KEY NOT NULL,
	"profile_id" integer NOT NULL,
	"title" varchar(200) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"description_format" "blog_body_format" DEFAULT 'markdown' NOT NULL,
	"description_html" text DEFAULT '' NOT NULL,
	"icon" varchar(30) DEFAULT '' NOT NULL,
	"order" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resume_certification" (
	"id" serial PRIMARY KEY NOT NULL,
	"profile_id" integer NOT NULL,
	"name" varchar(200) NOT NULL,
	"provider" varchar(200) DEFAULT '' NOT NULL,
	"date_obtained" date,
	"credential_url" varchar(500),
	"order" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resume_education" (
	"id" serial PRIMARY KEY NOT NULL,
	"profile_id" integer NOT NULL,
	"school" varchar(200) NOT NULL,
	"degree" varchar(200) DEFAULT '' NOT NULL,
	"field" varchar(200) DEFAULT '' NOT NULL,
	"start_year" integer,
	"end_year" integer,
	"order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "resume_education_years" CHECK (("resume_education"."start_year" IS NULL OR "resume_education"."start_year" BETWEEN 1900 AND 2200) AND ("resume_education"."end_year" IS NULL OR "resume_education"."end_year" BETWEEN 1900 AND 2200) AND ("resume_education"."start_year" IS NULL OR "resume_education"."end_year" IS NULL OR "resume_education"."end_year" >= "resume_education"."start_year"))
);
--> statement-breakpoint
CREATE TABLE "resume_experience" (
	"id" serial PRIMARY KEY NOT NULL,
	"profile_id" integer NOT NULL,
	"position" varchar(200) NOT NULL,
	"company" varchar(200) NOT NULL,
	"company_description" varchar(500) DEFAULT '' NOT NULL,
	"location" varchar(150) DEFAULT '' NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"description" text DEFAULT '' NOT NULL,
	"description_format" "blog_body_format" DEFAULT 'markdown' NOT NULL,
	"description_html" text DEFAULT '' NOT NULL,
	"order" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "resume_experience_dates_ordered" CHECK ("resume_experience"."end_date" IS NULL OR "resume_experience"."end_date" >= "resume_experience"."start_date")
);
--> statement-breakpoint
CREATE TABLE "resume_pdf" (
	"name" varchar(200) PRIMARY KEY NOT NULL,
	"profile_id" integer NOT NULL,
	"language" varchar(20) NOT NULL,
	"size" integer NOT NULL,
	"build_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resume_profile" (
	"id" serial PRIMARY KEY NOT NULL,
	"full_name" varchar(200) NOT NULL,
	"title" varchar(300) DEFAULT '' NOT NULL,
	"email" varchar(254) DEFAULT '' NOT NULL,
	"location" varchar(150) DEFAULT '' NOT NULL,
	"linkedin_url" varchar(500),
	"github_url" varchar(500),
	"website_url" varchar(500),
	"summary" text DEFAULT '' NOT NULL,
	"summary_format" "blog_body_format" DEFAULT 'markdown' NOT NULL,
	"summary_html" text DEFAULT '' NOT NULL,
	"photo" jsonb,
	"is_active" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Written by hand: today's résumé (positions with highlights, skills) moves into the first profile,
-- which is active; nothing is dropped before it is copied.
INSERT INTO "resume_profile" ("full_name", "is_active")
SELECT coalesce(nullif(nullif((SELECT "site_name" FROM "site_settings" ORDER BY "id" LIMIT 1), ''), 'Keen'), 'Résumé'), true
WHERE EXISTS (SELECT 1 FROM "resume_position") OR EXISTS (SELECT 1 FROM "resume_skill");--> statement-breakpoint
-- A position's summary and its highlights (as a Markdown list) become the description; the order is
-- today's (newest first). The HTML is made from it when first shown.
INSERT INTO "resume_experience" ("profile_id", "position", "company", "location", "start_date", "end_date", "description", "order")
SELECT
  (SELECT "id" FROM "resume_profile" WHERE "is_active"),
  p."role", p."company", p."location", p."start_date", p."end_date",
  concat_ws(E'\n\n', nullif(p."summary", ''), (
    SELECT string_agg('- ' || h."text", E'\n' ORDER BY h."position", h."id")
    FROM "resume_highlight" h WHERE h."position_id" = p."id"
  )),
  (row_number() OVER (ORDER BY p."start_date" DESC, p."id" DESC))::integer
FROM "resume_position" p;--> statement-breakpoint
DROP TABLE "resume_highlight";--> statement-breakpoint
DROP TABLE "resume_position";--> statement-breakpoint
ALTER TABLE "resume_skill" DROP CONSTRAINT "resume_skill_name_unique";--> statement-breakpoint
ALTER TABLE "resume_skill" DROP CONSTRAINT "resume_skill_level_range";--> statement-breakpoint
ALTER TABLE "resume_skill" ALTER COLUMN "level" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "resume_skill" ADD COLUMN "profile_id" integer;--> statement-breakpoint
ALTER TABLE "resume_skill" ADD COLUMN "category" varchar(100) DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "resume_skill" ADD COLUMN "order" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "resume_skill" s SET "profile_id" = (SELECT "id" FROM "resume_profile" WHERE "is_active"), "order" = ranked."n"
FROM (SELECT "id", (row_number() OVER (ORDER BY "level" DESC, "name"))::integer AS "n" FROM "resume_skill") ranked
WHERE s."id" = ranked."id";--> statement-breakpoint
-- Skills are now unique whatever the case: of "Python" and "python", the first added stays.
DELETE FROM "resume_skill" s WHERE EXISTS (
  SELECT 1 FROM "resume_skill" o WHERE lower(o."name") = lower(s."name") AND o."id" < s."id"
);--> statement-breakpoint
ALTER TABLE "resume_skill" ALTER COLUMN "profile_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "resume_achievement" ADD CONSTRAINT "resume_achievement_profile_id_resume_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."resume_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resume_certification" ADD CONSTRAINT "resume_certification_profile_id_resume_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."resume_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resume_education" ADD CONSTRAINT "resume_education_profile_id_resume_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."resume_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resume_experience" ADD CONSTRAINT "resume_experience_profile_id_resume_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."resume_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resume_pdf" ADD CONSTRAINT "resume_pdf_profile_id_resume_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."resume_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "resume_achievement_profile_order_idx" ON "resume_achievement" USING btree ("profile_id","order");--> statement-breakpoint
CREATE INDEX "resume_certification_profile_order_idx" ON "resume_certification" USING btree ("profile_id","order");--> statement-breakpoint
CREATE INDEX "resume_education_profile_order_idx" ON "resume_education" USING btree ("profile_id","order");--> statement-breakpoint
CREATE INDEX "resume_experience_profile_order_idx" ON "resume_experience" USING btree ("profile_id","order");--> statement-breakpoint
CREATE INDEX "resume_pdf_profile_language_idx" ON "resume_pdf" USING btree ("profile_id","language");--> statement-breakpoint
CREATE UNIQUE INDEX "resume_profile_one_active" ON "resume_profile" USING btree ("is_active") WHERE "resume_profile"."is_active";--> statement-breakpoint
ALTER TABLE "resume_skill" ADD CONSTRAINT "resume_skill_profile_id_resume_profile_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."resume_profile"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "resume_skill_profile_name_key" ON "resume_skill" USING btree ("profile_id",lower("name"));--> statement-breakpoint
CREATE INDEX "resume_skill_profile_order_idx" ON "resume_skill" USING btree ("profile_id","order");--> statement-breakpoint
ALTER TABLE "resume_skill" ADD CONSTRAINT "resume_skill_level_range" CHECK ("resume_skill"."level" IS NULL OR ("resume_skill"."level" >= 0 AND "resume_skill"."level" <= 10));
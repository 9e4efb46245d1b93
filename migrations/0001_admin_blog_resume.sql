CREATE TYPE "public"."blog_post_status" AS ENUM('draft', 'published');--> statement-breakpoint
CREATE TABLE "admin_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "admin_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"action_time" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" integer,
	"username" varchar(150) NOT NULL,
	"app_label" varchar(100) NOT NULL,
	"model" varchar(100) NOT NULL,
	"object_id" varchar(100) NOT NULL,
	"object_repr" varchar(200) NOT NULL,
	"action" varchar(10) NOT NULL,
	"changes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "admin_log_action_known" CHECK ("admin_log"."action" IN ('add', 'change', 'delete'))
);
--> statement-breakpoint
CREATE TABLE "blog_category" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"slug" varchar(100) NOT NULL,
	CONSTRAINT "blog_category_name_unique" UNIQUE("name"),
	CONSTRAINT "blog_category_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "blog_post_link" (
	"id" serial PRIMARY KEY NOT NULL,
	"post_id" integer NOT NULL,
	"title" varchar(200) NOT NULL,
	"url" varchar(500) NOT NULL,
	"position" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blog_post_tags" (
	"post_id" integer NOT NULL,
	"tag_id" integer NOT NULL,
	CONSTRAINT "blog_post_tags_post_id_tag_id_pk" PRIMARY KEY("post_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "blog_post" (
	"id" serial PRIMARY KEY NOT NULL,
	"title" varchar(200) NOT NULL,
	"slug" varchar(200) NOT NULL,
	"summary" varchar(300) DEFAULT '' NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"status" "blog_post_status" DEFAULT 'draft' NOT NULL,
	"category_id" integer,
	"author_id" integer,
	"published_at" timestamp with time zone,
	"reading_minutes" integer DEFAULT 1 NOT NULL,
	"cover" jsonb,
	"extra" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blog_post_slug_unique" UNIQUE("slug"),
	CONSTRAINT "blog_post_reading_minutes_positive" CHECK ("blog_post"."reading_minutes" > 0)
);
--> statement-breakpoint
CREATE TABLE "blog_tag" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(50) NOT NULL,
	CONSTRAINT "blog_tag_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "resume_highlight" (
	"id" serial PRIMARY KEY NOT NULL,
	"position_id" integer NOT NULL,
	"text" varchar(500) NOT NULL,
	"position" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "resume_position" (
	"id" serial PRIMARY KEY NOT NULL,
	"company" varchar(150) NOT NULL,
	"role" varchar(150) NOT NULL,
	"location" varchar(150) DEFAULT '' NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date,
	"summary" text DEFAULT '' NOT NULL,
	CONSTRAINT "resume_position_dates_ordered" CHECK ("resume_position"."end_date" IS NULL OR "resume_position"."end_date" >= "resume_position"."start_date")
);
--> statement-breakpoint
CREATE TABLE "resume_skill" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" varchar(100) NOT NULL,
	"level" numeric(3, 1) NOT NULL,
	CONSTRAINT "resume_skill_name_unique" UNIQUE("name"),
	CONSTRAINT "resume_skill_level_range" CHECK ("resume_skill"."level" >= 0 AND "resume_skill"."level" <= 10)
);
--> statement-breakpoint
ALTER TABLE "admin_log" ADD CONSTRAINT "admin_log_user_id_auth_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."auth_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blog_post_link" ADD CONSTRAINT "blog_post_link_post_id_blog_post_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."blog_post"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blog_post_tags" ADD CONSTRAINT "blog_post_tags_post_id_blog_post_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."blog_post"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blog_post_tags" ADD CONSTRAINT "blog_post_tags_tag_id_blog_tag_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."blog_tag"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blog_post" ADD CONSTRAINT "blog_post_category_id_blog_category_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."blog_category"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blog_post" ADD CONSTRAINT "blog_post_author_id_auth_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."auth_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resume_highlight" ADD CONSTRAINT "resume_highlight_position_id_resume_position_id_fk" FOREIGN KEY ("position_id") REFERENCES "public"."resume_position"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_log_user_time_idx" ON "admin_log" USING btree ("user_id","action_time");--> statement-breakpoint
CREATE INDEX "admin_log_object_idx" ON "admin_log" USING btree ("app_label","model","object_id","action_time");--> statement-breakpoint
CREATE INDEX "blog_post_link_post_idx" ON "blog_post_link" USING btree ("post_id");--> statement-breakpoint
CREATE INDEX "blog_post_tags_tag_idx" ON "blog_post_tags" USING btree ("tag_id");--> statement-breakpoint
CREATE INDEX "blog_post_published_idx" ON "blog_post" USING btree ("status","published_at");--> statement-breakpoint
CREATE INDEX "blog_post_category_idx" ON "blog_post" USING btree ("category_id");--> statement-breakpoint
CREATE INDEX "blog_post_author_idx" ON "blog_post" USING btree ("author_id");--> statement-breakpoint
CREATE INDEX "resume_highlight_position_idx" ON "resume_highlight" USING btree ("position_id");
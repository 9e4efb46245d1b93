CREATE TYPE "public"."blog_body_format" AS ENUM('markdown', 'html');--> statement-breakpoint
CREATE TABLE "blog_comment" (
	"id" serial PRIMARY KEY NOT NULL,
	"post_id" integer NOT NULL,
	"user_id" integer,
	"name" varchar(100) NOT NULL,
	"email" varchar(254) DEFAULT '' NOT NULL,
	"url" varchar(500),
	"body" text NOT NULL,
	"is_approved" boolean DEFAULT false NOT NULL,
	"client_key" varchar(64) DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "blog_comment_body_length" CHECK (char_length("blog_comment"."body") <= 5000)
);
--> statement-breakpoint
CREATE TABLE "site_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"site_name" varchar(100) DEFAULT 'Keen' NOT NULL,
	"tagline" varchar(200) DEFAULT '' NOT NULL,
	"about" text DEFAULT '' NOT NULL,
	"robots_txt" text DEFAULT '' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "site_settings_single_row" CHECK ("site_settings"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "blog_post" ADD COLUMN "body_format" "blog_body_format" DEFAULT 'markdown' NOT NULL;--> statement-breakpoint
ALTER TABLE "blog_post" ADD COLUMN "body_html" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "blog_post" ADD COLUMN "meta_description" varchar(160) DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "blog_post" ADD COLUMN "comments_open" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "blog_post" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "blog_post" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('russian', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('russian', coalesce(summary, '')), 'B') || setweight(to_tsvector('english', coalesce(summary, '')), 'B') || setweight(to_tsvector('russian', coalesce(body, '')), 'C') || setweight(to_tsvector('english', coalesce(body, '')), 'C')) STORED;--> statement-breakpoint
ALTER TABLE "blog_comment" ADD CONSTRAINT "blog_comment_post_id_blog_post_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."blog_post"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blog_comment" ADD CONSTRAINT "blog_comment_user_id_auth_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."auth_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "blog_comment_post_idx" ON "blog_comment" USING btree ("post_id","is_approved","created_at");--> statement-breakpoint
CREATE INDEX "blog_comment_client_idx" ON "blog_comment" USING btree ("client_key","created_at");--> statement-breakpoint
CREATE INDEX "blog_post_search_idx" ON "blog_post" USING gin ("search_vector");--> statement-breakpoint
INSERT INTO "site_settings" ("id") VALUES (1) ON CONFLICT DO NOTHING;

CREATE TABLE "redirect" (
	"id" serial PRIMARY KEY NOT NULL,
	"old_path" varchar(500) NOT NULL,
	"new_path" varchar(1000) DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "redirect_old_path_is_path" CHECK ("redirect"."old_path" LIKE '/%' AND "redirect"."old_path" NOT LIKE '//%'),
	CONSTRAINT "redirect_new_path_is_address" CHECK ("redirect"."new_path" = '' OR ("redirect"."new_path" LIKE '/%' AND "redirect"."new_path" NOT LIKE '//%') OR "redirect"."new_path" ~ '^https?://')
);
--> statement-breakpoint
CREATE UNIQUE INDEX "redirect_old_path_key" ON "redirect" USING btree ("old_path");
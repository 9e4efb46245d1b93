CREATE TABLE "keen_cache" (
	"cache_key" varchar(250) PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "keen_cache_expires_idx" ON "keen_cache" USING btree ("expires_at");
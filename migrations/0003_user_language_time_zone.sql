ALTER TABLE "auth_user" ADD COLUMN "language" varchar(16) DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "auth_user" ADD COLUMN "time_zone" varchar(64) DEFAULT '' NOT NULL;
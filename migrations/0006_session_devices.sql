ALTER TABLE "keen_session" ADD COLUMN "user_agent" varchar(300) DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "keen_session" ADD COLUMN "ip" varchar(45) DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "keen_session" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "keen_session" ADD COLUMN "last_seen" timestamp with time zone DEFAULT now() NOT NULL;
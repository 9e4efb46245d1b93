CREATE TABLE "auth_throttle" (
	"scope" varchar(16) NOT NULL,
	"action" varchar(32) NOT NULL,
	"account" varchar(150) NOT NULL,
	"client" varchar(64) NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"attempts" integer NOT NULL,
	CONSTRAINT "auth_throttle_scope_action_account_client_pk" PRIMARY KEY("scope","action","account","client")
);
--> statement-breakpoint
DROP TABLE "auth_login_failure" CASCADE;--> statement-breakpoint
CREATE INDEX "auth_throttle_window_idx" ON "auth_throttle" USING btree ("window_start");--> statement-breakpoint
CREATE INDEX "auth_throttle_account_idx" ON "auth_throttle" USING btree ("account");--> statement-breakpoint
CREATE INDEX "auth_throttle_client_idx" ON "auth_throttle" USING btree ("client");
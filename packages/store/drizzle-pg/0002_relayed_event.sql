CREATE TABLE "relayed_event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"payload" text NOT NULL
);

DROP TRIGGER stored_events_no_update;
DROP TRIGGER stored_events_no_delete;
DROP TRIGGER stored_events_no_replace;
DELETE FROM stored_events WHERE rowid = 32;
DELETE FROM stored_events WHERE rowid = 33;

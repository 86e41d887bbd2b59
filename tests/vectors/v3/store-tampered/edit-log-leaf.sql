DROP TRIGGER stored_events_no_update;
DROP TRIGGER stored_events_no_delete;
DROP TRIGGER stored_events_no_replace;
UPDATE dl_log_leaves SET event_hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE leaf_index = 3;

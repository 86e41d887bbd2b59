DROP TRIGGER stored_events_no_update;
DROP TRIGGER stored_events_no_delete;
DROP TRIGGER stored_events_no_replace;
UPDATE dl_log_checkpoints SET note = 'decision-ledger/a12cc751-3772-4026-b642-dc968dfaec36
34
AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=

— decision-ledger/a12cc751-3772-4026-b642-dc968dfaec36 H/GiRYDyVZL0eX4Lo1HHuKd8kTjB9oi4n1NZXhV9oZJjBWqOFg79BA4/xDxr2/JslD1yIcuC+kjqsKDcVtldgfwI/gg=
' WHERE tree_size = 34;

DROP TRIGGER stored_events_no_update;
DROP TRIGGER stored_events_no_delete;
DROP TRIGGER stored_events_no_replace;
UPDATE dl_log_checkpoints SET note = 'decision-ledger/9cccb25d-576d-498b-81f6-0777c1c00d46
28
AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=

— decision-ledger/9cccb25d-576d-498b-81f6-0777c1c00d46 A6hAUBx6Xmzf93wIbRRB6x/1iOgA7LxqwNp91Mok9XWwjlZ753WPo0obvUmuQsG1PRsh4VC96s1/ppI9MV4aHNA/gQE=
' WHERE tree_size = 28;

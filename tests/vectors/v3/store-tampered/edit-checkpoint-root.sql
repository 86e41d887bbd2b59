DROP TRIGGER stored_events_no_update;
DROP TRIGGER stored_events_no_delete;
DROP TRIGGER stored_events_no_replace;
UPDATE dl_log_checkpoints SET note = 'decision-ledger/dd92a2f1-1cfe-435a-aca7-56918d07aecf
34
AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=

— decision-ledger/dd92a2f1-1cfe-435a-aca7-56918d07aecf GSUufNcjQu+o4WAPKLjipF/9ES9iJln48+ndLk/DnAS7aWymC5sWqDywW94HXOvGx2Fxl36+yXxP0NysnYyloqfpeww=
' WHERE tree_size = 34;

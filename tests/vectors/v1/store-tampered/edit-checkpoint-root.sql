DROP TRIGGER stored_events_no_update;
DROP TRIGGER stored_events_no_delete;
DROP TRIGGER stored_events_no_replace;
UPDATE dl_log_checkpoints SET note = 'decision-ledger/80f0e0f1-e4b4-44fb-b049-d3bbc29c83b7
28
AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=

— decision-ledger/80f0e0f1-e4b4-44fb-b049-d3bbc29c83b7 gSqyhaW0FtEA2OSNM5cxUJhpZqNfmzODo9b7QK12U1GdXnf7c9RdPgaTBJbuLzM2KvamFperjtFErTt37sPKXpg8Mwg=
' WHERE tree_size = 28;

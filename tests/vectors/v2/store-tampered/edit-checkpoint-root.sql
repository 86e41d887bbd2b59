DROP TRIGGER stored_events_no_update;
DROP TRIGGER stored_events_no_delete;
DROP TRIGGER stored_events_no_replace;
UPDATE dl_log_checkpoints SET note = 'decision-ledger/593f339e-c2ce-4609-bb7b-79d1577e1477
28
AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=

— decision-ledger/593f339e-c2ce-4609-bb7b-79d1577e1477 xzP+4digIjh7PjlMZsDjc7VsxO86k3R4Wk2EM2xt8Qr+Mjsqu+CGi6wlKS3+EmVU5szkNtMxWSCoHPLxQFuJGeIl4QY=
' WHERE tree_size = 28;

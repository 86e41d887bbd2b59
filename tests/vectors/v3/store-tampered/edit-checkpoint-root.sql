DROP TRIGGER stored_events_no_update;
DROP TRIGGER stored_events_no_delete;
DROP TRIGGER stored_events_no_replace;
UPDATE dl_log_checkpoints SET note = 'decision-ledger/35d5d46c-2193-4b44-b4ee-36dd61704f50
34
AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=

— decision-ledger/35d5d46c-2193-4b44-b4ee-36dd61704f50 FdMaTTsBAAduz1164G7MoZtrhuu81tVTUm7JgRv9GvI8n9CiIrbtzKvrTSy+I2dCoshZ7lJ+81dLeX9sCaQ12mUopww=
' WHERE tree_size = 34;

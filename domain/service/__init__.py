"""The ledger application: takes signed intents, judges them under the rulebooks, records events;
replays cases, keeps the writer's working set and the snapshots, answers who may read what."""

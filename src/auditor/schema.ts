/** SQLite schema of the auditor index. Amounts are decimal strings (uint256 does not fit SQLite). */
export const AUDITOR_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS events (
  block INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  timestamp INTEGER,
  contract TEXT NOT NULL,
  name TEXT NOT NULL,
  args TEXT NOT NULL,
  PRIMARY KEY (block, log_index)
) STRICT;
CREATE INDEX IF NOT EXISTS events_tx ON events (tx_hash);
CREATE TABLE IF NOT EXISTS event_links (
  subject TEXT NOT NULL,
  block INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  PRIMARY KEY (subject, block, log_index)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS assets (
  address TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  owner TEXT NOT NULL,
  name TEXT,
  uri TEXT,
  checksum TEXT,
  mrenclave TEXT,
  enclave_config_hash TEXT,
  resource_class INTEGER,
  location TEXT,
  worker_stake_ratio INTEGER,
  scheduler_reward_ratio INTEGER,
  scheduler TEXT,
  created_block INTEGER,
  created_tx TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS assets_owner ON assets (owner);
CREATE TABLE IF NOT EXISTS deals (
  deal_id TEXT PRIMARY KEY,
  requester TEXT NOT NULL,
  sponsor TEXT NOT NULL,
  beneficiary TEXT NOT NULL,
  app TEXT NOT NULL,
  app_owner TEXT NOT NULL,
  dataset TEXT NOT NULL,
  dataset_owner TEXT NOT NULL,
  workerpool TEXT NOT NULL,
  workerpool_owner TEXT NOT NULL,
  app_price TEXT NOT NULL,
  dataset_price TEXT NOT NULL,
  workerpool_price TEXT NOT NULL,
  tag TEXT NOT NULL,
  category TEXT NOT NULL,
  trust TEXT NOT NULL,
  bot_first TEXT NOT NULL,
  bot_size INTEGER NOT NULL,
  start_time INTEGER NOT NULL,
  params TEXT NOT NULL,
  app_order_hash TEXT NOT NULL,
  dataset_order_hash TEXT NOT NULL,
  workerpool_order_hash TEXT NOT NULL,
  request_order_hash TEXT NOT NULL,
  deal_json TEXT NOT NULL,
  deal_hash TEXT NOT NULL,
  block INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  timestamp INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS deals_requester ON deals (requester, block);
CREATE INDEX IF NOT EXISTS deals_app ON deals (app, block);
CREATE INDEX IF NOT EXISTS deals_dataset ON deals (dataset, block);
CREATE INDEX IF NOT EXISTS deals_workerpool ON deals (workerpool, block);
CREATE INDEX IF NOT EXISTS deals_app_order ON deals (app_order_hash);
CREATE INDEX IF NOT EXISTS deals_dataset_order ON deals (dataset_order_hash);
CREATE INDEX IF NOT EXISTS deals_workerpool_order ON deals (workerpool_order_hash);
CREATE INDEX IF NOT EXISTS deals_request_order ON deals (request_order_hash);
CREATE TABLE IF NOT EXISTS tasks (
  task_id TEXT PRIMARY KEY,
  deal_id TEXT,
  idx TEXT,
  status TEXT NOT NULL,
  worker TEXT,
  enclave TEXT,
  result_digest TEXT,
  receipt_hash TEXT,
  results TEXT,
  consensus_hash TEXT,
  reveal_deadline INTEGER,
  updated_block INTEGER NOT NULL,
  completed_tx TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS tasks_deal ON tasks (deal_id);
CREATE INDEX IF NOT EXISTS tasks_status ON tasks (status);
CREATE TABLE IF NOT EXISTS contributions (
  task_id TEXT NOT NULL,
  worker TEXT NOT NULL,
  result_hash TEXT NOT NULL,
  enclave TEXT NOT NULL,
  receipt_hash TEXT NOT NULL,
  revealed_digest TEXT,
  block INTEGER NOT NULL,
  PRIMARY KEY (task_id, worker)
) STRICT;
CREATE TABLE IF NOT EXISTS movements (
  block INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  kind TEXT NOT NULL,
  account TEXT,
  counterparty TEXT,
  amount TEXT NOT NULL,
  ref TEXT,
  timestamp INTEGER,
  PRIMARY KEY (block, log_index)
) STRICT;
CREATE INDEX IF NOT EXISTS movements_account ON movements (account, kind, block);
CREATE INDEX IF NOT EXISTS movements_ref ON movements (ref);
CREATE INDEX IF NOT EXISTS movements_tx ON movements (tx_hash);
CREATE TABLE IF NOT EXISTS accounts (
  address TEXT PRIMARY KEY,
  stake TEXT NOT NULL,
  locked TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS orders (
  order_hash TEXT PRIMARY KEY,
  kind INTEGER,
  presigned_by TEXT,
  cancelled_by TEXT,
  cancelled_block INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS grants (
  grant_key TEXT PRIMARY KEY,
  dataset TEXT NOT NULL,
  app TEXT NOT NULL,
  requester TEXT NOT NULL,
  uses TEXT NOT NULL,
  used TEXT NOT NULL,
  expiry INTEGER NOT NULL,
  revoked INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS grants_dataset ON grants (dataset);
CREATE TABLE IF NOT EXISTS grants_required (dataset TEXT PRIMARY KEY, required INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS categories (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  time_ref TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS verifiers (address TEXT PRIMARY KEY, trusted INTEGER NOT NULL, block INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS worker_scores (
  worker TEXT PRIMARY KEY,
  score TEXT NOT NULL,
  task_id TEXT,
  block INTEGER NOT NULL
) STRICT;
`;

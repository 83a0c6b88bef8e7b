// Package accounts holds the linked Gladly accounts gladgraph may call (DESIGN.md §8): the model
// and its validation, the encryption of their secrets, the stores (PostgreSQL when DATABASE_URL
// is set, in memory otherwise), the change feed that reaches every replica, the per-account
// runtime registry and the CLI. The admin HTTP API lives in accounts/admin.
//
// Secrets (a Gladly API token, the generated webhook password) are plaintext only in memory:
// the PostgreSQL store keeps them sealed with AES-256-GCM under ACCOUNTS_ENCRYPTION_KEYS, the
// account id as associated data so a ciphertext copied onto another account does not open.
package accounts

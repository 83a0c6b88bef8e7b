// Package admin serves the linked-accounts admin API of DESIGN.md §8 under /admin/accounts:
// link (after checking the credentials against Gladly), list, show, update and unlink
// accounts, and issue, list and revoke their API keys. Answers never carry a secret except a
// new API key, once. Errors are {"error": {"code", "message"}}.
//
// Authorization (accounts:admin or ADMIN_API_KEY) is the job of the middleware in front: this
// handler trusts every request that reaches it.
package admin

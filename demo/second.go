package demo

import "github.com/gladgraph/gladgraph/gladly/gladlytest"

// secondOrganization are the options of the demo's second organization's fake: Hopper
// Logistics Ltd. (Grace Brewster's fixture), none of Ada's data.
func secondOrganization() []gladlytest.Option {
	return []gladlytest.Option{gladlytest.WithOrganization(gladlytest.HopperOrg)}
}

package graph

import (
	"errors"

	"github.com/vikstrous/dataloadgen"
)

// firstError is the first failure of a loader's LoadAll (which reports one error per key, most
// often the same one: the failed list every key was answered from).
func firstError(err error) error {
	var each dataloadgen.ErrorSlice
	if errors.As(err, &each) {
		for _, e := range each {
			if e != nil {
				return e
			}
		}
	}
	return err
}

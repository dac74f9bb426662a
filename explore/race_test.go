//go:build race

package explore

// raceEnabled says the tests run under the race detector, which makes
// the models' searches some ten times slower: the biggest are skipped.
const raceEnabled = true

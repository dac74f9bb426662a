package traces

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the report as one indented JSON object in the
// ipicheck/result/v1 schema (docs/json-schema.md). Object keys come in a
// fixed order and maps are sorted, so the same report gives the same
// bytes; with NoTimings set the timing and memory fields of stats are 0.
func (r *Report) WriteJSON(w io.Writer) error {
	out := *r
	if r.NoTimings {
		out.Stats.Seconds, out.Stats.StatesPerSec, out.Stats.PeakMemBytes, out.Stats.StoreBytes = 0, 0, 0, 0
		out.Stats.HangCheckSeconds, out.Stats.HangBytes = 0, 0
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}

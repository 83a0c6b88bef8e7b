package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gladgraph/gladgraph/gladly/gladlytest"
)

func TestParseDemoFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    DemoFaults
		wantErr string
	}{
		{in: "", want: DemoFaults{}},
		{
			in: "error_rate=0.2,rate_limit_rate=0.1,latency=20ms,jitter=5ms,slow_rate=0.05,slow=2s,drop_rate=0.01",
			want: DemoFaults{Latency: 20 * time.Millisecond, Jitter: 5 * time.Millisecond, Faults: gladlytest.Faults{
				ErrorRate: 0.2, RateLimitRate: 0.1, SlowRate: 0.05, SlowBy: 2 * time.Second, DropRate: 0.01,
			}},
		},
		{in: " latency = 1s , rate_limit_burst=3 ,", want: DemoFaults{Latency: time.Second, Faults: gladlytest.Faults{RateLimitBurst: 3}}},
		{in: "eror_rate=0.2", wantErr: `unknown key "eror_rate"`},
		{in: "error_rate=high", wantErr: "error_rate: \"high\" is not a rate"},
		{in: "error_rate=1.5", wantErr: "is not a rate from 0 to 1"},
		{in: "latency=20", wantErr: "latency: \"20\" is not a duration"},
		{in: "latency=-1s", wantErr: "latency"},
		{in: "latency=1ms,latency=2ms", wantErr: "latency given twice"},
		{in: "error_rate", wantErr: "is not key=value"},
		{in: "rate_limit_burst=0", wantErr: "rate_limit_burst"},
		{in: "error_rate=0.6,drop_rate=0.6", wantErr: "must not exceed 1"},
	}
	for _, tt := range tests {
		got, err := ParseDemoFaults(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseDemoFaults(%q) error = %v, want it to contain %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseDemoFaults(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreUnexported(DemoFaults{})); diff != "" {
			t.Errorf("ParseDemoFaults(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

//go:build tools

package tools

import _ "github.com/cosmos/relayer/v2"

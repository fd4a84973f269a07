package release

import "github.com/ag06mixer/golive/internal/command"

// OpensOnly reports whether every command in a comment body can only move
// the gate towards open (a sign-off, a tick, a waiver, lifting a hold,
// help), so writing its outcome may wait for the coalesced sync: the gate
// stays closed meanwhile, never wrongly open. A revoke, an uncheck, an
// unwaive, a hold or a refresh, or a body with no command, is not.
func OpensOnly(body string) bool {
	cmds, _ := command.Parse(body)
	if len(cmds) == 0 {
		return false
	}
	for _, c := range cmds {
		switch c.Name {
		case command.Approve, command.Check, command.Waive, command.Unhold, command.Help:
		default:
			return false
		}
	}
	return true
}

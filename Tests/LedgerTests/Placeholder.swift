// The tests of this module arrive with the module's issue.

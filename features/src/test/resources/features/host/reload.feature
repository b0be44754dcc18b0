Feature: reload needs a configuration file
  The interactive host without --config runs as its options make it: reload is refused, saying how
  to run from a configuration (README, the reload command).

  Scenario: reload without a configuration file is refused and changes nothing
    Given the simulated host of the default scenario
    And the host has run "add_vm vm1"
    When I run "reload" on the host
    Then the command fails
    And the error says "Error: reload: this host does not run from a configuration file; start it with --daemon or --config FILE to use reload"
    When I run "show_vms" on the host
    Then the output contains "vm1"

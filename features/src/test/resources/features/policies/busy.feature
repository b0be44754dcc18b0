Feature: The busy policy keeps each vCPU's busyness in a band with no help from the guest
  The host measures each vCPU's busy time (libvirt's vCPU time; simulated load here) every period
  (100 ms) and moves its pCPUs toward 80 % +- 5 %: saturated at once to max, otherwise to the
  lowest frequency at which the same work would keep it at the target, at most once per cooldown
  (300 ms). The guest sends nothing. A simulated vCPU's load is its busy share at 2600000 kHz; a
  slower pCPU makes the same work busier.

  Background:
    Given the simulated host of the default scenario
    And the host has run "add_vm vm1"
    And vCPU 0 of vm1 is 10 % busy

  Scenario: A load step is followed within a few periods, up and down
    When I run "set_policy vm1 busy" on the host
    Then the output is:
      """
      VM 'vm1': policy set: busy target=80 band=5 period=100ms cooldown=300ms
      """
    When the simulated clock advances 400 ms
    Then pCPU 2 runs at 1200000 kHz
    # saturated (90 % of 2600000 kHz of work on a 1200000 kHz pCPU): max after one period
    When vCPU 0 of vm1 becomes 90 % busy
    And the simulated clock advances 100 ms
    Then pCPU 2 runs at 2601000 kHz
    # 10 %: down at the first evaluation after the cooldown
    When vCPU 0 of vm1 becomes 10 % busy
    And the simulated clock advances 200 ms
    Then pCPU 2 runs at 2601000 kHz
    When the simulated clock advances 100 ms
    Then pCPU 2 runs at 1200000 kHz
    When I run "show_policies vm1" on the host
    Then the output contains "measured: busy 10% 0%"
    And the output contains "decisions 8, changes 3, failures 0"

  Scenario: A steady load settles where it keeps the vCPU near the target
    Given vCPU 0 of vm1 is 40 % busy
    When I run "set_policy vm1 busy vcpus=0" on the host
    And the simulated clock advances 2 seconds
    # 40 % at 2600000 kHz is 1040000 kHz of work: 87 % busy at 1200000, 74 % at 1400000
    Then pCPU 2 runs at 1400000 kHz
    And pCPU 3 runs at 2600000 kHz
    When I run "show_policies vm1" on the host
    Then the output contains "measured: busy 74% 0%"

  Scenario: A guest's own request holds until the next evaluation
    Given the host has run "add_channels vm1 all"
    When I run "set_policy vm1 busy vcpus=0" on the host
    And the simulated clock advances 200 ms
    Then pCPU 2 runs at 1200000 kHz
    When the guest of vm1 on channel 0 asks to scale max vCPU 0
    Then the guest of vm1 on channel 0 receives an ACK
    And pCPU 2 runs at 2601000 kHz
    # the policy's own cooldown (it moved the pCPU at 100 ms) ends at 400 ms
    When the simulated clock advances 100 ms
    Then pCPU 2 runs at 2601000 kHz
    When the simulated clock advances 100 ms
    Then pCPU 2 runs at 1200000 kHz

  Scenario: A policy that holds its vCPUs refuses the guest's requests
    Given the host has run "add_channels vm1 all"
    When I run "set_policy vm1 busy vcpus=0 guests=deny" on the host
    And the simulated clock advances 200 ms
    And the guest of vm1 on channel 0 asks to scale max vCPU 0
    Then the guest of vm1 on channel 0 receives a NACK
    And the host counted 1 nack_policy_holds on vm1 channel 0
    And pCPU 2 runs at 1200000 kHz

  Scenario: A lost hypervisor holds the last frequency, and the policy decides again once it is back
    When I run "set_policy vm1 busy vcpus=0" on the host
    And the simulated clock advances 200 ms
    Then pCPU 2 runs at 1200000 kHz
    When the simulated hypervisor becomes unreachable
    And vCPU 0 of vm1 becomes 100 % busy
    And the simulated clock advances 300 ms
    Then pCPU 2 runs at 1200000 kHz
    When I run "show_policies vm1" on the host
    Then the output contains "holding the last frequency since 2024-01-01T00:00:00.300Z: cannot read the VM's counters: simulated hypervisor unreachable"
    When the simulated hypervisor is reachable again
    And the simulated clock advances 200 ms
    Then pCPU 2 runs at 2601000 kHz

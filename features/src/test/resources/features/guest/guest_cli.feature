Feature: The guest CLI drives the host through the simulated virtio-serial ports
  guest CLI -> simulated virtio-serial port -> host monitor -> simulated CPU, and the reply back.

  Background:
    Given the simulated host serves its demo sockets
    And the host has run "add_vm vm1"
    And the host has run "add_channels vm1 all"

  Scenario: Every scaling keyword moves the pinned pCPU, and the guest sees each ACK
    When the guest CLI of vm1 on lcores "0,1" runs:
      """
      set_cpu_freq 1 down
      set_cpu_freq 1 down
      set_cpu_freq 1 up
      set_cpu_freq 0 min
      set_cpu_freq 0 max
      set_cpu_freq 0 disable_turbo
      set_cpu_freq 0 enable_turbo
      """
    Then the guest CLI prints:
      """
      ACK received for message sent to host.
      ACK received for message sent to host.
      ACK received for message sent to host.
      ACK received for message sent to host.
      ACK received for message sent to host.
      ACK received for message sent to host.
      ACK received for message sent to host.
      """
    And the guest CLI exits with status 0
    And pCPU 3 runs at 2400000 kHz
    And pCPU 2 runs at 2601000 kHz

  Scenario: Queries, once the operator allows them
    Given the host has run "set_query vm1 enable"
    And the host has run "set_cpu_freq 3 min"
    When the guest CLI of vm1 on lcores "0,1" runs:
      """
      query_cpu_freq all
      query_cpu_freq 1
      query_cpu_caps all
      """
    Then the guest CLI prints:
      """
      Frequency of [0] vcore is 2600000.
      Frequency of [1] vcore is 1200000.
      Frequency of [1] vcore is 1200000.
      Capabilities of [0] vcore are: turbo possibility: 1, is priority core: 0.
      Capabilities of [1] vcore are: turbo possibility: 1, is priority core: 0.
      """
    And the guest CLI exits with status 0

  Scenario: A refused request is a NACK; a disallowed query has no reply
    Given pCPU 3 fails every frequency write with "EBUSY"
    When the guest CLI of vm1 on lcores "1" runs:
      """
      set_cpu_freq 1 down
      query_cpu_freq 1
      """
    Then the guest CLI prints:
      """
      NACK received for message sent to host.
      """
    And the guest CLI reports "set_query"
    And the guest CLI exits with status 1
    And pCPU 3 runs at 2600000 kHz

@real
Feature: The control socket on real components: the peer's credentials decide who may use it
  The host program runs on the Linux HAL with --control-socket and --control-group; its clients
  are the real `vm-power-mgr --connect`, run under another uid and groups with setpriv, so the
  credentials are the kernel's (SO_PEERCRED, /proc/PID/status) and the socket file is a real one.

  Background:
    Given a libvirt test node with running VM "vm1" whose vCPUs are pinned to "2;3"
    And a cpufreq tree of 4 acpi-cpufreq CPUs with governor "userspace" at 2600000 kHz
    And the host runs with the Linux HAL on them and a control socket for group "daemon"

  Scenario: Root and a member of the control group are served; the socket file is 0660 of the group
    Then the control socket's mode is 0660 with group "daemon"
    When root runs "add_vm vm1" through the control socket
    Then the client exits with status 0
    And the client prints "VM 'vm1' added: 2 vCPU(s), ACTIVE"
    When a client run as uid 65534 with supplementary group 1 runs "show_vms" through the control socket
    Then the client exits with status 0
    And the client prints "vm1                  ACTIVE        2        0         0     off"

  Scenario: A client under another uid outside the group is kept out by the file's mode
    When a client run as uid 65534 with no groups runs "add_vm vm1" through the control socket
    Then the client exits with status 2
    And the client reports "permission denied on"
    And the client reports "run as root or as a member of the control socket's group"

  Scenario: Even when the file lets anyone in, the host refuses a client outside the group
    Given the control socket's mode is 0666
    When a client run as uid 65534 with no groups runs "add_vm vm1" through the control socket
    Then the client exits with status 2
    And the client reports "refused this client: permission denied for uid 65534: only root and members of group 'daemon' (gid 1)"
    When I type "show_vms" at the host
    Then the host prints "No VMs added"

@real
Feature: libvirt's qemu hook raises a dedicated CPU before a VM starts, through the control socket
  packaging/libvirt-qemu-hook runs as libvirtd runs it in the "prepare" phase, with the domain XML
  on its standard input; it runs the built vm-power-mgr --connect on the host's real control
  socket, and the host raises the dedicated CPUs the XML pins the vCPUs to, which it had lowered.

  Background:
    Given a libvirt test node with running VM "vm1" whose vCPUs are pinned to "2;3"
    And a cpufreq tree of 4 acpi-cpufreq CPUs with governor "userspace" at 2600000 kHz
    And the host runs with the Linux HAL on them, CPUs "1-3" dedicated to VMs and a control socket for group "daemon"

  Scenario: The hook's prepare_vm raises the CPU the new VM is pinned to, before QEMU starts
    # CPU 1 is dedicated and no running VM is pinned to it; CPUs 2 and 3 run vm1
    Then the cpufreq tree comes to have cpu1 at 1200000 kHz
    And the cpufreq tree of cpu2 was not written
    When libvirt's qemu hook prepares VM "vm2" whose vCPUs are pinned to "1"
    Then the client exits with status 0
    And the cpufreq tree has cpu1 at 2600000 kHz with governor "userspace"
    When root runs "show_policies" through the control socket
    Then the client prints "Dedicated CPUs: 1-3; at their lowest (no running VM pinned): none; lowered 1, raised 1"

package io.vmpower.core.wire;

/** Numbers of the DPDK channel protocol: commands, units, sizes and field offsets. */
public final class Wire {
  private Wire() {}

  // commands, guest to host
  public static final int CPU_POWER = 1;
  public static final int CPU_POWER_CONNECT = 2;
  public static final int PKT_POLICY = 3;
  public static final int PKT_POLICY_REMOVE = 4;
  public static final int QUERY_FREQ_LIST = 7;
  public static final int QUERY_FREQ = 8;
  public static final int QUERY_CAPS_LIST = 9;
  public static final int QUERY_CAPS = 10;

  // commands, host to guest
  public static final int ACK = 1;
  public static final int NACK = 2;
  public static final int FREQ_LIST = 3;
  public static final int CAPS_LIST = 4;

  // units of CPU_POWER
  public static final int SCALE_UP = 1;
  public static final int SCALE_DOWN = 2;
  public static final int SCALE_MAX = 3;
  public static final int SCALE_MIN = 4;
  public static final int ENABLE_TURBO = 5;
  public static final int DISABLE_TURBO = 6;

  // sizes
  public static final int LEGACY_REQUEST_SIZE = 16;
  public static final int REQUEST_SIZE = 464;
  public static final int FREQ_LIST_SIZE = 88;
  public static final int CAPS_LIST_SIZE = 184;
  public static final int VM_NAME_SIZE = 32;

  /** Entries in a FREQ_LIST / CAPS_LIST reply. */
  public static final int MAX_VCPU_PER_REPLY = 8;

  public static final int MAX_VFS = 10;
  public static final int HOURS = 24;

  // offsets in a request and in the head of a reply
  public static final int OFF_RESOURCE_ID = 0;
  public static final int OFF_UNIT = 8;
  public static final int OFF_COMMAND = 12;
  public static final int OFF_VM_NAME = 16;
  public static final int OFF_VFID = 48;
  public static final int OFF_NB_MAC = 128;
  public static final int OFF_TRAFFIC_POLICY = 132;
  public static final int OFF_VCPU_TO_CONTROL = 144;
  public static final int OFF_NUM_VCPU = 152;
  public static final int OFF_TIMER_POLICY = 156;
  public static final int OFF_CORE_TYPE = 444;
  public static final int OFF_WORKLOAD = 448;
  public static final int OFF_POLICY_TO_USE = 452;
  public static final int OFF_TURBO_STATUS = 456;

  // offsets in replies
  public static final int OFF_REPLY_LIST = 48;
  public static final int OFF_FREQ_LIST_NUM_VCPU = 80;
  public static final int OFF_CAPS_PRIORITY = 112;
  public static final int OFF_CAPS_NUM_VCPU = 176;

  /** The name of a command number for logs, or {@code UNKNOWN(n)}. */
  public static String commandName(int command) {
    return switch (command) {
      case CPU_POWER -> "CPU_POWER";
      case CPU_POWER_CONNECT -> "CPU_POWER_CONNECT";
      case PKT_POLICY -> "PKT_POLICY";
      case PKT_POLICY_REMOVE -> "PKT_POLICY_REMOVE";
      case QUERY_FREQ_LIST -> "QUERY_FREQ_LIST";
      case QUERY_FREQ -> "QUERY_FREQ";
      case QUERY_CAPS_LIST -> "QUERY_CAPS_LIST";
      case QUERY_CAPS -> "QUERY_CAPS";
      default -> "UNKNOWN(" + Integer.toUnsignedString(command) + ")";
    };
  }
}

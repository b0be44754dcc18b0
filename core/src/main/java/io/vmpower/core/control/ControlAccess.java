package io.vmpower.core.control;

import io.vmpower.core.hal.ControlPeer;

/**
 * Who may use the control socket: root, the user the host runs as, and members of the configured
 * group (primary or supplementary, when the backend can tell). Decided from the peer's credentials
 * alone, before anything is read from it.
 */
public final class ControlAccess {
  private final long ownerUid;
  private final long groupId;
  private final String groupName;

  /**
   * @param ownerUid the uid the host runs as
   * @param groupId the configured group's gid, or -1 for none
   * @param groupName the configured group as written (for messages), or empty
   */
  public ControlAccess(long ownerUid, long groupId, String groupName) {
    this.ownerUid = ownerUid;
    this.groupId = groupId;
    this.groupName = groupName == null ? "" : groupName;
  }

  /** Null when {@code peer} may connect, else why not (one sentence for the client). */
  public String refusal(ControlPeer peer) {
    if (peer.uid() < 0) {
      return "the peer's credentials are unknown: only root and the control group may connect";
    }
    if (peer.uid() == 0 || peer.uid() == ownerUid || peer.inGroup(groupId)) {
      return null;
    }
    if (groupId < 0) {
      return "permission denied for uid "
          + peer.uid()
          + ": only root may use this control socket (no control group is configured)";
    }
    return "permission denied for uid "
        + peer.uid()
        + ": only root and members of group '"
        + groupName
        + "' (gid "
        + groupId
        + ") may use this control socket"
        + (peer.groupsKnown() ? "" : " (the peer's supplementary groups are unknown)");
  }
}

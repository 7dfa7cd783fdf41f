Feature: Integrity
  Auditors prove that the history they replay is the one recorded: every event is in a signed, append-only Merkle tree.

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  Scenario: An auditor proves that an entry of her audit trail is in the signed log
    Given she changed her email to marie.t@example.com
    And the service signed a checkpoint of the log
    When an auditor asks for the proof that her latest audit entry is in the log
    Then the proof leads from that entry to the root of the checkpoint
    And the checkpoint's signature verifies with the service's public key

  Scenario: A later checkpoint extends an earlier one
    Given the service signed a checkpoint of the log
    And she changed her email to marie.t@example.com
    And the service signed another checkpoint of the log
    When an auditor asks for the proof that the first checkpoint's log is the start of the second's
    Then the proof shows that the earlier log is the start of the later one, unchanged

  Scenario: A tree larger than the latest checkpoint is refused
    Given the service signed a checkpoint of the log
    When an auditor asks for a proof in a tree larger than the latest checkpoint
    Then the question is refused with invalid_tree_size on tree_size

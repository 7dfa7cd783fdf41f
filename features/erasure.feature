Feature: Erasure
  A person can be forgotten: their data key is destroyed, the history keeps its skeleton, nothing of them is left to read.

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  @security
  Scenario: Erasing her profile at her request
    Given she changed her phone to +1 514 555 0199
    And she registered the card 4111 1111 1111 1111 expiring 12/2030
    And she subscribed to news and offers
    When a privacy officer erases her profile because she asked
    Then the command is accepted at version 5
    And the events recorded are ProfileErased
    And her profile answers that it was erased
    And nothing of her is left to read in any view, audit entry, past state or consent

  Scenario Outline: An erasure names its legal basis
    When a privacy officer erases her profile because <reason>
    Then the command is accepted at version 2
    And her audit trail ends with ProfileErased in the section privacy

    Examples:
      | reason                            |
      | she asked                         |
      | the retention period expired      |
      | a legal obligation requires it    |

  Scenario: An erasure without a known legal basis is refused
    When a privacy officer erases her profile because he felt like it
    Then the command is refused with validation_error on basis
    And no event is recorded

  Scenario: The audit trail keeps the skeleton of her history
    Given she changed her phone to +1 514 555 0199
    And her profile was erased because she asked
    When an auditor reads her audit trail
    Then it lists ProfileRegistered, ContactChanged and ProfileErased
    And every change in it reads "[erased]" before and after
    And each entry still tells when, by whom and through which request

  Scenario Outline: Her profile as it was is gone too
    Given she changed her phone to +1 514 555 0199
    And her profile was erased because she asked
    When an auditor asks for her profile <when>
    Then the question is refused with profile_erased

    Examples:
      | when                |
      | now                 |
      | at version 1        |
      | at an earlier time  |

  Scenario Outline: Nothing more can be done with an erased profile
    Given her profile was erased because she asked
    When she <does something>
    Then the command is refused with profile_erased
    And no event is recorded

    Examples:
      | does something                           |
      | changes her phone to +1 514 555 0123     |
      | subscribes to news                       |
      | is erased once more                      |

  Scenario Outline: Other services may send her nothing, and she leaves every audience
    Given she subscribed to news
    And her profile was erased because the retention period expired
    When the mailer asks whether it may send her <kind>
    Then the answer is no, because "profile_erased"
    And the audience of news does not include her

    Examples:
      | kind            |
      | newsletter:news |
      | invoice         |

  Scenario: The consent ledger keeps what was consented to and when, nothing of who
    Given she subscribed to news
    And her profile was erased because she asked
    When an auditor reads her consent ledger
    Then each consent keeps only its purpose, state, instant and version

  Scenario: Her e-mail address is free again
    Given her profile was erased because she asked
    When Luc Gagnon registers with the email marie@example.com
    Then the command is accepted at version 1

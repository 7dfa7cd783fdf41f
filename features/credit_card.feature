Feature: Credit card
  One card per profile; the full number goes only to the card vault, never into events, views or logs (section E).

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  @security
  Scenario: Registering her card
    When she registers the card 4111 1111 1111 1111 expiring 12/2030 in the name of Marie Tremblay
    Then the command is accepted at version 2
    And the events recorded are CardRegistered
    And her card is shown as Visa ending 1111, expiring 12/2030, in the name of Marie Tremblay
    And the card number appears in no recorded event, audit entry or view

  Scenario: Spaces and dashes are allowed in the number
    When she registers the card 5555-5555-5555-4444 expiring 03/2026 in the name of Marie Tremblay
    Then the command is accepted
    And her card is shown as Mastercard ending 4444, expiring 3/2026, in the name of Marie Tremblay

  @security
  Scenario: Registering another card replaces the first
    Given she registered the card 4111 1111 1111 1111 expiring 12/2030
    When she registers the card 3782 822463 10005 expiring 06/2029 in the name of Marie Tremblay
    Then the command is accepted at version 3
    And the events recorded are CardReplaced
    And her card is shown as American Express ending 0005, expiring 6/2029, in the name of Marie Tremblay
    And the card numbers appear in no recorded event, audit entry or view

  Scenario: Registering the same card again changes nothing
    Given she registered the card 4111 1111 1111 1111 expiring 12/2030
    When she registers the card 4111 1111 1111 1111 expiring 12/2030 in the name of Marie Tremblay
    Then the command is accepted at version 2
    And no event is recorded

  @security
  Scenario Outline: The number must pass the Luhn check
    When she registers the card <number> expiring 12/2030 in the name of Marie Tremblay
    Then the command is refused with invalid_card_number on number
    And no event is recorded
    And the card number appears in no recorded event, audit entry or view

    Examples:
      | number              |
      | 4111 1111 1111 1112 |
      | 4111 1111 1111      |
      | 4111 1111 1111 111A |

  Scenario Outline: The number has a length its brand issues
    When she registers the card <number> expiring 12/2030 in the name of Marie Tremblay
    Then the command is refused with invalid_card_number on number
    And no event is recorded

    Examples:
      | brand            | digits | number            |
      | Visa             | 12     | 400000000002      |
      | Visa             | 17     | 40000000000000006 |
      | Mastercard       | 15     | 550000000000004   |
      | American Express | 16     | 3700000000000007  |

  Scenario Outline: Every length its brand issues is accepted
    When she registers the card <number> expiring 12/2030 in the name of Marie Tremblay
    Then the command is accepted at version 2
    And the events recorded are CardRegistered

    Examples:
      | brand | digits | number              |
      | Visa  | 13     | 4000000000006       |
      | Visa  | 19     | 4000000000000000006 |

  Scenario Outline: Only accepted brands may be registered (by default Visa, Mastercard and American Express)
    When she registers the card <number> expiring 12/2030 in the name of Marie Tremblay
    Then the command is refused with unsupported_card_brand on number
    And no event is recorded

    Examples:
      | brand       | number           |
      | Discover    | 6011111111111117 |
      | JCB         | 3530111333300000 |
      | Diners Club | 30569309025904   |
      | UnionPay    | 6200000000000005 |

  Scenario Outline: The expiry is a real month, not in the past
    When she registers the card 4111 1111 1111 1111 expiring <month>/<year> in the name of Marie Tremblay
    Then the command is refused with <code> on <field>
    And no event is recorded

    Examples:
      | month | year | code           | field     |
      | 13    | 2030 | invalid_expiry | exp_month |
      | 0     | 2030 | invalid_expiry | exp_month |
      | 2     | 2026 | card_expired   | exp_year  |
      | 12    | 2025 | card_expired   | exp_year  |

  @security
  Scenario: The security code (CVC) is never accepted
    When she registers the card 4111 1111 1111 1111 expiring 12/2030 with the security code 123
    Then the command is refused with validation_error on cvc
    And no event is recorded

  Scenario: Removing the card needs explicit confirmation
    Given she registered the card 4111 1111 1111 1111 expiring 12/2030
    When she removes her card without confirming
    Then the command is refused with confirmation_required on confirm
    And no event is recorded

  Scenario: Removing the card once confirmed
    Given she registered the card 4111 1111 1111 1111 expiring 12/2030
    When she removes her card, confirming it
    Then the command is accepted at version 3
    And the events recorded are CardRemoved
    And she has no card

  Scenario: There is nothing to remove without a card
    When she removes her card, confirming it
    Then the command is refused with no_card
    And no event is recorded

  Scenario Outline: The brand is recognised while the number is typed, longest prefix first
    When the payment form asks for the brand of "<digits>"
    Then the brand is <brand>

    Examples:
      | digits | brand            |
      | 4      | Visa             |
      | 51     | Mastercard       |
      | 55     | Mastercard       |
      | 2221   | Mastercard       |
      | 2720   | Mastercard       |
      | 2721   | unknown          |
      | 34     | American Express |
      | 37     | American Express |
      | 6011   | Discover         |
      | 622126 | Discover         |
      | 62     | UnionPay         |
      | 3528   | JCB              |
      | 36     | Diners Club      |
      | 9      | unknown          |

  Scenario: A complete number is reported complete and Luhn-valid
    When the payment form asks for the brand of "4111 1111 1111 1111"
    Then the brand is Visa
    And the number is complete and passes the Luhn check

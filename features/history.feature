Feature: History and time travel
  What a profile looked like at any version or instant, rebuilt from its events rather than from a view.

  Background:
    Given on 2026-01-10 at 09:00, Marie Tremblay registered with the email marie@example.com
    And on 2026-02-01 at 10:00, she changed her email to marie.t@example.com
    And on 2026-02-15 at 11:00, she registered the card 4111 1111 1111 1111 expiring 12/2030

  Scenario Outline: Her profile as it was at an instant
    When an auditor asks what her profile looked like at <instant>
    Then it was at version <version>, with the email <email> and <card>

    Examples:
      | instant              | version | email               | card                    |
      | 2026-01-10T09:00:00Z | 1       | marie@example.com   | no card                 |
      | 2026-01-31T23:59:59Z | 1       | marie@example.com   | no card                 |
      | 2026-02-01T10:00:00Z | 2       | marie.t@example.com | no card                 |
      | 2026-03-01T00:00:00Z | 3       | marie.t@example.com | a Visa card ending 1111 |

  Scenario Outline: Her profile as it was at a version
    When an auditor asks for version <version> of her profile
    Then it was at version <version>, with the email <email> and <card>

    Examples:
      | version | email               | card                    |
      | 1       | marie@example.com   | no card                 |
      | 2       | marie.t@example.com | no card                 |
      | 3       | marie.t@example.com | a Visa card ending 1111 |

  Scenario: Before she registered there was nothing to show
    When an auditor asks what her profile looked like at 2026-01-10T08:59:59Z
    Then the question is refused with version_not_found

  Scenario: A version she has not reached
    When an auditor asks for version 4 of her profile
    Then the question is refused with version_not_found

  Scenario: A profile that never existed
    When an auditor asks for version 1 of an unknown profile
    Then the question is refused with profile_not_found

  @security
  Scenario: The past shows the card as a summary, never its number
    When an auditor asks for version 3 of her profile
    Then the card is shown only by its brand, last 4 digits, expiry and holder name
    And the card number 4111 1111 1111 1111 appears nowhere in what the service shows of her profile

Feature: Additional information and VAT numbers
  Optional business details (section B): company, VAT or sales-tax number, job title and website.

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  Scenario: Setting her business details
    When she sets her additional information to:
      | company    | Tremblay Hébergement inc. |
      | VAT number | 123456782 RT 0001         |
      | job title  | Directrice                |
      | website    | https://tremblay.example  |
    Then the command is accepted at version 2
    And the events recorded are AdditionalInfoChanged
    And her additional information reads:
      | company    | Tremblay Hébergement inc. |
      | VAT number | 123456782RT0001           |
      | job title  | Directrice                |
      | website    | https://tremblay.example/ |

  Scenario: Every detail is optional and can be cleared
    Given she set her job title to Directrice
    When she clears her job title
    Then the command is accepted
    And the events recorded are AdditionalInfoChanged
    And her job title is empty

  Scenario Outline: VAT and sales-tax numbers are checked offline and stored without spaces or dots
    Given she set her company to Tremblay Hébergement inc.
    When she sets her VAT number to <given>
    Then the command is accepted
    And her VAT number is <stored>

    Examples:
      | kind                            | given              | stored           |
      | French VAT                      | FR 40 303 265 045  | FR40303265045    |
      | German VAT                      | DE 136.695.976     | DE136695976      |
      | Greek VAT, prefix EL            | EL 094259216       | EL094259216      |
      | Northern Irish VAT, prefix XI   | XI 980780684       | XI980780684      |
      | Canadian GST/HST                | 123456782 RT 0001  | 123456782RT0001  |
      | Quebec QST                      | 1234567890 TQ 0001 | 1234567890TQ0001 |

  Scenario Outline: A number that fails its format or checksum is refused
    Given she set her company to Tremblay Hébergement inc.
    When she sets her VAT number to <given>
    Then the command is refused with invalid_vat_number on vat_number
    And no event is recorded

    Examples:
      | kind                          | given           |
      | French VAT, wrong check digits | FR12345678901   |
      | GST/HST, wrong check digit     | 123456789RT0001 |
      | British VAT, no longer EU      | GB980780684     |
      | not a tax number at all        | 12345           |

  Scenario: A VAT number requires a company
    When she sets her VAT number to FR40303265045
    Then the command is refused with vat_requires_company on vat_number
    And no event is recorded

  Scenario: The company cannot be cleared while a VAT number is set
    Given she set her company to Tremblay Hébergement inc. and her VAT number to FR40303265045
    When she clears her company
    Then the command is refused with vat_requires_company on company
    And no event is recorded

  Scenario Outline: The website is an absolute http or https address
    When she sets her website to <website>
    Then the command is refused with invalid_url on website
    And no event is recorded

    Examples:
      | website                          |
      | tremblay.example                 |
      | ftp://tremblay.example           |
      | https://                         |
      | https://user:pw@tremblay.example |

Feature: Event feed
  Other services follow every change as a CloudEvent, in the order it was recorded, with what the audit trail shows and never a secret.

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  Scenario: Every change comes out as a CloudEvent, in the order it was recorded
    Given a service has read every event recorded so far
    And she changed her email to marie.t@example.com
    And she linked her linkedin account https://linkedin.com/in/marie
    When the service reads the events recorded since
    Then the events are:
      | type                           | version | actor          | section |
      | profile.ContactChanged.v1      | 2       | customer:marie | contact |
      | profile.SocialAccountLinked.v1 | 3       | customer:marie | social  |
    And each event is named by her profile and its version
    And their positions only increase

  Scenario: An event says what her audit trail says
    Given she changed her email to marie.t@example.com
    When the service reads her events
    Then each event carries the content of her audit entry

  @security
  Scenario: A card goes out as its summary, never its number
    Given a service has read every event recorded so far
    And she registered the card 4111 1111 1111 1111 expiring 12/2030
    When the service reads the events recorded since
    Then the event of version 2 shows the card changed from nothing to visa 1111 12/2030 Marie Tremblay
    And no card number appears in the events

  Scenario: Following the feed a page at a time
    Given a service has read every event recorded so far
    And she changed her email to marie.1@example.com
    And she changed her email to marie.2@example.com
    And she changed her email to marie.3@example.com
    When the service reads the events recorded since, 2 at a time
    Then the pages hold the versions 2 and 3, then 4

Feature: Social media accounts
  Links to her pages on six networks, each a full https address on that network's own hosts (section F).

  Background:
    Given Marie Tremblay registered with the email marie@example.com

  Scenario Outline: Linking an account on a supported network
    When she links her <network> account <url>
    Then the command is accepted at version 2
    And the events recorded are SocialAccountLinked
    And her <network> link is <url>

    Examples:
      | network  | url                                        |
      | facebook | https://www.facebook.com/marie.tremblay    |
      | twitter  | https://x.com/marietremblay                |
      | twitter  | https://twitter.com/marietremblay          |
      | whatsapp | https://wa.me/15145550123                  |
      | skype    | https://join.skype.com/invite/abc123       |
      | signal   | https://signal.me/#eu/abc123               |
      | linkedin | https://www.linkedin.com/in/marie-tremblay |

  Scenario: Linking a network again replaces its link
    Given she linked her twitter account https://twitter.com/marie_old
    When she links her twitter account https://x.com/marietremblay
    Then the command is accepted at version 3
    And the events recorded are SocialAccountLinked
    And her twitter link is https://x.com/marietremblay

  Scenario: Unlinking an account
    Given she linked her facebook account https://www.facebook.com/marie.tremblay
    When she unlinks her facebook account
    Then the command is accepted at version 3
    And the events recorded are SocialAccountUnlinked
    And she has no facebook link

  Scenario Outline: A link must be a full https address on the network's own hosts
    When she links her <network> account <url>
    Then the command is refused with invalid_social_url on url
    And no event is recorded

    Examples:
      | why                     | network  | url                                     |
      | not https               | facebook | http://www.facebook.com/marie           |
      | another site's host     | facebook | https://facebook.com.evil.example/marie |
      | no page on the network  | twitter  | https://x.com                           |
      | not a full address      | linkedin | www.linkedin.com/in/marie               |
      | a user name, not a host | whatsapp | https://wa.me@evil.example/15145550123  |
      | the network in the path | signal   | https://evil.example/signal.me/#abc     |

  Scenario Outline: Only six networks are supported
    When she links her <network> account https://www.<network>.com/marie
    Then the command is refused with unsupported_network on network
    And no event is recorded

    Examples:
      | network   |
      | instagram |
      | myspace   |

from tests.support import ctx, registration


def test_registers_a_profile_and_reads_it_back(service):
    result = service.register(registration(email="Marie@Example.COM"), ctx())
    profile = service.get_profile(result.profile_id)
    assert result.version == 1
    assert result.events == ("ProfileRegistered",)
    assert profile.state["email"] == "Marie@example.com"

"""Board sections, and the pins in them."""

from tests.support.api import all_pages, assert_error, create_board, create_pin, create_section


def test_section_lifecycle(user):
    board = create_board(user.client)
    first = create_section(user.client, board["id"], "Breakfast")
    second = create_section(user.client, board["id"], "Dinner")
    listed = all_pages(user.client, f"/boards/{board['id']}/sections")
    assert [s["name"] for s in listed] == ["Dinner", "Breakfast"]
    renamed = user.client.patch(f"/boards/{board['id']}/sections/{first['id']}", json={"name": "Brunch"})
    assert renamed.status_code == 200 and renamed.json() == {"id": first["id"], "name": "Brunch"}
    assert user.client.delete(f"/boards/{board['id']}/sections/{second['id']}").status_code == 204
    assert [s["id"] for s in all_pages(user.client, f"/boards/{board['id']}/sections")] == [first["id"]]
    assert_error(user.client.delete(f"/boards/{board['id']}/sections/{second['id']}"), 404)


def test_section_pins_and_deleting_a_section_deletes_its_pins(user):
    board = create_board(user.client)
    section = create_section(user.client, board["id"])
    inside = create_pin(user.client, board["id"], board_section_id=section["id"])
    outside = create_pin(user.client, board["id"])
    assert inside["board_section_id"] == section["id"]
    in_section = all_pages(user.client, f"/boards/{board['id']}/sections/{section['id']}/pins")
    assert [p["id"] for p in in_section] == [inside["id"]]
    assert user.client.delete(f"/boards/{board['id']}/sections/{section['id']}").status_code == 204
    assert_error(user.client.get(f"/pins/{inside['id']}"), 404)
    assert user.client.get(f"/pins/{outside['id']}").status_code == 200


def test_section_rules(user, other_user):
    board = create_board(user.client)
    other_board = create_board(user.client)
    section = create_section(user.client, board["id"], "Only")
    assert_error(user.client.post(f"/boards/{board['id']}/sections", json={"name": "Only"}), 409)
    assert_error(user.client.post(f"/boards/{board['id']}/sections", json={"name": ""}), 400)
    assert_error(user.client.post(f"/boards/{board['id']}/sections", json={"name": "x" * 181}), 400)
    assert_error(user.client.post(f"/boards/{board['id']}/sections", json={}), 400)
    # A section is addressed through its own board only.
    assert_error(user.client.patch(f"/boards/{other_board['id']}/sections/{section['id']}", json={"name": "Z"}), 404)
    assert_error(user.client.get(f"/boards/{other_board['id']}/sections/{section['id']}/pins"), 404)
    # Others may list a public board's sections but not change them.
    assert other_user.client.get(f"/boards/{board['id']}/sections").status_code == 200
    assert_error(other_user.client.post(f"/boards/{board['id']}/sections", json={"name": "Mine"}), 403)
    assert_error(other_user.client.delete(f"/boards/{board['id']}/sections/{section['id']}"), 403)
    secret = create_board(user.client, privacy="SECRET")
    assert_error(other_user.client.get(f"/boards/{secret['id']}/sections"), 404)

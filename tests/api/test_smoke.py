def test_board_round_trip(user):
    created = user.client.post("/boards", json={"name": "Smoke", "description": "d"})
    assert created.status_code == 201, created.text
    board = created.json()
    assert board["name"] == "Smoke" and board["privacy"] == "PUBLIC" and board["pin_count"] == 0
    fetched = user.client.get(f"/boards/{board['id']}")
    assert fetched.status_code == 200 and fetched.json()["id"] == board["id"]
    assert user.client.delete(f"/boards/{board['id']}").status_code == 204
    gone = user.client.get(f"/boards/{board['id']}")
    assert gone.status_code == 404 and gone.json() == {"code": 40, "message": "Board not found."}

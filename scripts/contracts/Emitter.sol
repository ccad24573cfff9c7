// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Emitter: emits every event shape the Event Streamer tests and demo need.
contract Emitter {
    struct Fees {
        uint24 fee;
        uint256 collected0;
        uint256 collected1;
    }

    struct Position {
        address token0;
        address token1;
        int24 tickLower;
        int24 tickUpper;
        uint128 liquidity;
        Fees fees;
    }

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event PositionUpdated(address indexed owner, uint256 indexed id, Position position);
    event Tagged(string indexed tag, string note, bytes data);
    event Batch(uint256[] ids, address[] recipients, string[] labels);
    event Anon(address indexed who, uint256 amount) anonymous;

    function emitTransfer(address from, address to, uint256 value) external {
        emit Transfer(from, to, value);
    }

    /// Emits n Transfers with values start..start+n-1 from 1,000 distinct senders.
    function emitMany(uint256 start, uint256 n) external {
        for (uint256 i = 0; i < n; i++) {
            uint256 value = start + i;
            emit Transfer(address(uint160(0x1000 + (value % 1000))), msg.sender, value);
        }
    }

    function emitApproval(address owner, address spender, uint256 value) external {
        emit Approval(owner, spender, value);
    }

    function emitPosition(address owner, uint256 id, Position calldata position) external {
        emit PositionUpdated(owner, id, position);
    }

    function emitTagged(string calldata tag, string calldata note, bytes calldata data) external {
        emit Tagged(tag, note, data);
    }

    function emitBatch(
        uint256[] calldata ids,
        address[] calldata recipients,
        string[] calldata labels
    ) external {
        emit Batch(ids, recipients, labels);
    }

    function emitAnon(address who, uint256 amount) external {
        emit Anon(who, amount);
    }
}

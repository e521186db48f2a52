// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC1363Receiver} from "@openzeppelin/contracts/interfaces/IERC1363Receiver.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IEscrow} from "../interfaces/IEscrow.sol";

/// @notice Implements {IEscrow}; see the interface for the NatSpec.
abstract contract Escrow is IEscrow, IERC1363Receiver, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @dev One slot per account. 128 bits hold 3.4e20 tokens of 18 decimals.
    struct Account {
        uint128 stake;
        uint128 locked;
    }

    /// @notice Kitty share paid to a scheduler per settlement: 10%, at least 1 token (PoCo's rule).
    uint256 internal constant KITTY_RATIO = 10;
    uint256 internal constant KITTY_MIN = 1e18;

    IERC20 private immutable _token;
    mapping(address account => Account) private _accounts;
    uint256 private _kitty;

    constructor(IERC20 token_) {
        _token = token_;
    }

    /// @inheritdoc IEscrow
    function token() external view returns (address) {
        return address(_token);
    }

    /// @inheritdoc IEscrow
    function deposit(uint256 amount) external nonReentrant {
        _deposit(msg.sender, msg.sender, amount);
    }

    /// @inheritdoc IEscrow
    function depositFor(address account, uint256 amount) external nonReentrant {
        if (account == address(0)) revert EscrowAccountZero();
        _deposit(msg.sender, account, amount);
    }

    /// @notice ERC-1363 `transferAndCall` deposit in one transaction. `data` may hold an
    /// abi-encoded beneficiary account; otherwise the sender is credited.
    function onTransferReceived(
        address,
        address from,
        uint256 value,
        bytes calldata data
    ) external nonReentrant returns (bytes4) {
        if (msg.sender != address(_token)) revert EscrowWrongToken(msg.sender);
        address account = data.length == 32 ? abi.decode(data, (address)) : from;
        if (account == address(0)) revert EscrowAccountZero();
        _credit(account, value);
        emit Deposited(account, from, value);
        return IERC1363Receiver.onTransferReceived.selector;
    }

    /// @inheritdoc IEscrow
    function withdraw(uint256 amount) external nonReentrant {
        _withdraw(msg.sender, amount);
    }

    /// @inheritdoc IEscrow
    function withdrawTo(address to, uint256 amount) external nonReentrant {
        if (to == address(0)) revert EscrowAccountZero();
        _withdraw(to, amount);
    }

    /// @inheritdoc IEscrow
    function moveFunds(Movement[] calldata movements) external nonReentrant {
        if (msg.sender != _taskManagerAddress()) revert EscrowUnauthorized(msg.sender);
        uint256 inFlight = 0;
        for (uint256 i = 0; i < movements.length; ++i) {
            Movement calldata m = movements[i];
            MovementKind kind = m.kind;
            if (kind == MovementKind.Lock) {
                _lock(m.account, m.amount, m.ref);
            } else if (kind == MovementKind.Unlock) {
                _unlock(m.account, m.amount, m.ref);
            } else if (kind == MovementKind.Seize) {
                _seize(m.account, m.amount, m.ref);
                inFlight += m.amount;
            } else if (kind == MovementKind.DrainKittyTo) {
                _reward(m.account, _drainKitty(m.ref), m.ref);
            } else {
                if (m.amount > inFlight) revert EscrowNotConserved(inFlight, m.amount);
                // Cannot underflow: checked just above.
                unchecked {
                    inFlight -= m.amount;
                }
                if (kind == MovementKind.Reward) _reward(m.account, m.amount, m.ref);
                else _fillKitty(m.amount, m.ref);
            }
        }
        if (inFlight != 0) revert EscrowNotConserved(inFlight, 0);
    }

    /// @inheritdoc IEscrow
    function accountOf(address account) external view returns (uint256 stake, uint256 locked) {
        Account memory a = _accounts[account];
        return (a.stake, a.locked);
    }

    /// @inheritdoc IEscrow
    function kitty() external view returns (uint256) {
        return _kitty;
    }

    /// @dev The only contract allowed to call {moveFunds}.
    function _taskManagerAddress() internal view virtual returns (address);

    /// @dev Free stake of `account`.
    function _stakeOf(address account) internal view returns (uint256) {
        return _accounts[account].stake;
    }

    function _deposit(address from, address account, uint256 amount) private {
        _credit(account, amount);
        emit Deposited(account, from, amount);
        _token.safeTransferFrom(from, address(this), amount);
    }

    function _credit(address account, uint256 amount) private {
        if (amount == 0 || amount > type(uint128).max) revert EscrowAmountInvalid(amount);
        // Checked: reverts if the account would exceed 128 bits.
        _accounts[account].stake += uint128(amount);
    }

    function _withdraw(address to, uint256 amount) private {
        if (amount == 0) revert EscrowAmountInvalid(amount);
        Account storage a = _accounts[msg.sender];
        if (a.stake < amount) revert EscrowInsufficientBalance(msg.sender, a.stake, amount);
        // Cannot truncate: amount <= stake < 2^128.
        a.stake -= uint128(amount);
        emit Withdrawn(msg.sender, to, amount);
        _token.safeTransfer(to, amount);
    }

    /// @dev stake -> locked.
    function _lock(address account, uint256 amount, bytes32 ref) internal {
        if (amount == 0) return;
        // One read and one write of the packed slot (a storage pointer costs a read per field).
        Account memory a = _accounts[account];
        if (a.stake < amount) revert EscrowInsufficientBalance(account, a.stake, amount);
        // Cannot truncate: amount <= stake < 2^128; locked + amount <= total supply held here.
        _accounts[account] = Account(a.stake - uint128(amount), a.locked + uint128(amount));
        emit Locked(account, amount, ref);
    }

    /// @dev locked -> stake.
    function _unlock(address account, uint256 amount, bytes32 ref) internal {
        if (amount == 0) return;
        Account memory a = _accounts[account];
        if (a.locked < amount) revert EscrowInsufficientLocked(account, a.locked, amount);
        // Cannot truncate: amount <= locked < 2^128.
        _accounts[account] = Account(a.stake + uint128(amount), a.locked - uint128(amount));
        emit Unlocked(account, amount, ref);
    }

    /// @dev locked -> in flight; the caller must reward or fill the kitty with the same amount.
    function _seize(address account, uint256 amount, bytes32 ref) internal {
        if (amount == 0) return;
        Account storage a = _accounts[account];
        if (a.locked < amount) revert EscrowInsufficientLocked(account, a.locked, amount);
        // Cannot truncate: amount <= locked < 2^128.
        a.locked -= uint128(amount);
        emit Seized(account, amount, ref);
    }

    /// @dev in flight -> stake.
    function _reward(address account, uint256 amount, bytes32 ref) internal {
        if (amount == 0) return;
        // Checked: an amount beyond 128 bits, or a stake overflowing, reverts.
        _accounts[account].stake += SafeCast.toUint128(amount);
        emit Rewarded(account, amount, ref);
    }

    /// @dev in flight -> kitty.
    function _fillKitty(uint256 amount, bytes32 ref) private {
        if (amount == 0) return;
        _kitty += amount;
        emit KittyFilled(amount, ref);
    }

    /// @dev kitty -> in flight. Returns the share drained: 10% of the kitty, at least KITTY_MIN,
    /// at most all of it (PoCo's rule, so small kitties empty instead of dribbling).
    function _drainKitty(bytes32 ref) private returns (uint256 share) {
        uint256 kitty_ = _kitty;
        if (kitty_ == 0) return 0;
        share = (kitty_ * KITTY_RATIO) / 100;
        if (share < KITTY_MIN) share = KITTY_MIN;
        if (share > kitty_) share = kitty_;
        // Cannot underflow: share <= kitty_.
        unchecked {
            _kitty = kitty_ - share;
        }
        emit KittyDrained(share, ref);
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice Internal balances of the payment token. Each account has a free `stake` and a `locked`
/// part; seized value either rewards someone or fills the kitty. Value is conserved:
/// sum(stake + locked) + kitty == token.balanceOf(hub) (plus any token sent outside `deposit`).
/// @dev Every movement is an event carrying the deal or task it belongs to (`ref`), so an auditor
/// can replay the books: per transaction, seized + kitty drained == rewarded + kitty filled.
interface IEscrow {
    /// @notice One step of a settlement requested by the task manager.
    enum MovementKind {
        Lock,
        Unlock,
        Seize,
        Reward,
        FillKitty,
        DrainKittyTo
    }

    /// @param amount Ignored for DrainKittyTo, which pays the kitty share rule to `account`.
    struct Movement {
        MovementKind kind;
        address account;
        uint256 amount;
        bytes32 ref;
    }

    /// @notice `account` has `stake` free but the operation needs `needed`.
    error EscrowInsufficientBalance(address account, uint256 stake, uint256 needed);
    /// @notice `account` has only `locked` locked but the operation releases `needed`.
    error EscrowInsufficientLocked(address account, uint256 locked, uint256 needed);
    /// @notice Only the hub's task manager may move funds.
    error EscrowUnauthorized(address caller);
    /// @notice A batch of movements would create or destroy value (`inFlight` left over or missing).
    error EscrowNotConserved(uint256 inFlight, uint256 needed);
    /// @notice Amount zero, or too large to fit the 128-bit account fields.
    error EscrowAmountInvalid(uint256 amount);
    /// @notice Withdrawals and deposits on behalf need a non-zero address.
    error EscrowAccountZero();
    /// @notice ERC-1363 deposit received from a token other than the escrow's token.
    error EscrowWrongToken(address token);

    event Deposited(address indexed account, address indexed from, uint256 amount);
    event Withdrawn(address indexed account, address indexed to, uint256 amount);
    /// @notice `amount` moved from stake to locked for `ref` (a deal or task id).
    event Locked(address indexed account, uint256 amount, bytes32 indexed ref);
    /// @notice `amount` moved from locked back to stake.
    event Unlocked(address indexed account, uint256 amount, bytes32 indexed ref);
    /// @notice `amount` taken from locked; it rewards others or fills the kitty in the same tx.
    event Seized(address indexed account, uint256 amount, bytes32 indexed ref);
    /// @notice `amount` credited to stake from seized value or the kitty.
    event Rewarded(address indexed account, uint256 amount, bytes32 indexed ref);
    /// @notice Seized value (a failed task's pool stake, a liar's stake) added to the kitty.
    event KittyFilled(uint256 amount, bytes32 indexed ref);
    /// @notice Kitty value paid out (as a `Rewarded`) to a scheduler that completed a task.
    event KittyDrained(uint256 amount, bytes32 indexed ref);

    /// @notice The payment token.
    function token() external view returns (address);

    /// @notice Pulls `amount` tokens from the caller (after `approve`) into the caller's stake.
    function deposit(uint256 amount) external;

    /// @notice Pulls `amount` tokens from the caller into `account`'s stake.
    function depositFor(address account, uint256 amount) external;

    /// @notice Sends `amount` of the caller's free stake back as tokens.
    function withdraw(uint256 amount) external;

    /// @notice Sends `amount` of the caller's free stake to `to`.
    function withdrawTo(address to, uint256 amount) external;

    /// @notice Applies a settlement computed by the task manager. Seized and drained value must be
    /// fully handed out again (rewards, kitty) within the same batch, or the call reverts.
    function moveFunds(Movement[] calldata movements) external;

    /// @notice Free and locked balances of `account`.
    function accountOf(address account) external view returns (uint256 stake, uint256 locked);

    /// @notice Reward pool funded by seized stakes.
    function kitty() external view returns (uint256);
}

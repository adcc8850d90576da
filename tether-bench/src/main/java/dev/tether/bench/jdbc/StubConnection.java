package dev.tether.bench.jdbc;

import java.sql.*;

/**
 * A connection of the stub driver ({@link StubDriver}).
 * Every method answers at once with a neutral value; written out in full (not a reflective proxy)
 * so that a benchmark measures the pool around it, not reflection: HikariCP's own benchmarks do the same.
 */
@SuppressWarnings({"deprecation", "unchecked"})
final class StubConnection implements Connection {
    private boolean autoCommit = true;
    private boolean closed;

    @Override
    public void abort(java.util.concurrent.Executor a0) {
    }

    @Override
    public void beginRequest() {
    }

    @Override
    public void clearWarnings() {
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void commit() {
    }

    @Override
    public Array createArrayOf(String a0, Object[] a1) {
        return null;
    }

    @Override
    public Blob createBlob() {
        return null;
    }

    @Override
    public Clob createClob() {
        return null;
    }

    @Override
    public NClob createNClob() {
        return null;
    }

    @Override
    public SQLXML createSQLXML() {
        return null;
    }

    @Override
    public Statement createStatement() {
        return new StubPreparedStatement(this);
    }

    @Override
    public Statement createStatement(int a0, int a1) {
        return new StubPreparedStatement(this);
    }

    @Override
    public Statement createStatement(int a0, int a1, int a2) {
        return new StubPreparedStatement(this);
    }

    @Override
    public Struct createStruct(String a0, Object[] a1) {
        return null;
    }

    @Override
    public void endRequest() {
    }

    @Override
    public boolean getAutoCommit() {
        return autoCommit;
    }

    @Override
    public String getCatalog() {
        return null;
    }

    @Override
    public java.util.Properties getClientInfo() {
        return null;
    }

    @Override
    public String getClientInfo(String a0) {
        return null;
    }

    @Override
    public int getHoldability() {
        return 0;
    }

    @Override
    public DatabaseMetaData getMetaData() {
        return null;
    }

    @Override
    public int getNetworkTimeout() {
        return 0;
    }

    @Override
    public String getSchema() {
        return null;
    }

    @Override
    public int getTransactionIsolation() {
        return TRANSACTION_READ_COMMITTED;
    }

    @Override
    public java.util.Map<String, Class<?>> getTypeMap() {
        return null;
    }

    @Override
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public boolean isValid(int a0) {
        return !closed;
    }

    @Override
    public boolean isWrapperFor(Class<?> a0) {
        return false;
    }

    @Override
    public String nativeSQL(String a0) {
        return null;
    }

    @Override
    public CallableStatement prepareCall(String a0) {
        throw new UnsupportedOperationException("the stub driver has no stored procedures");
    }

    @Override
    public CallableStatement prepareCall(String a0, int a1, int a2) {
        throw new UnsupportedOperationException("the stub driver has no stored procedures");
    }

    @Override
    public CallableStatement prepareCall(String a0, int a1, int a2, int a3) {
        throw new UnsupportedOperationException("the stub driver has no stored procedures");
    }

    @Override
    public PreparedStatement prepareStatement(String a0) {
        return new StubPreparedStatement(this);
    }

    @Override
    public PreparedStatement prepareStatement(String a0, String[] a1) {
        return new StubPreparedStatement(this);
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1) {
        return new StubPreparedStatement(this);
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1, int a2) {
        return new StubPreparedStatement(this);
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int a1, int a2, int a3) {
        return new StubPreparedStatement(this);
    }

    @Override
    public PreparedStatement prepareStatement(String a0, int[] a1) {
        return new StubPreparedStatement(this);
    }

    @Override
    public void releaseSavepoint(Savepoint a0) {
    }

    @Override
    public void rollback() {
    }

    @Override
    public void rollback(Savepoint a0) {
    }

    @Override
    public void setAutoCommit(boolean a0) {
        autoCommit = a0;
    }

    @Override
    public void setCatalog(String a0) {
    }

    @Override
    public void setClientInfo(java.util.Properties a0) {
    }

    @Override
    public void setClientInfo(String a0, String a1) {
    }

    @Override
    public void setHoldability(int a0) {
    }

    @Override
    public void setNetworkTimeout(java.util.concurrent.Executor a0, int a1) {
    }

    @Override
    public void setReadOnly(boolean a0) {
    }

    @Override
    public Savepoint setSavepoint() {
        return null;
    }

    @Override
    public Savepoint setSavepoint(String a0) {
        return null;
    }

    @Override
    public void setSchema(String a0) {
    }

    @Override
    public void setShardingKey(ShardingKey a0) {
    }

    @Override
    public void setShardingKey(ShardingKey a0, ShardingKey a1) {
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey a0, ShardingKey a1, int a2) {
        return false;
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey a0, int a1) {
        return false;
    }

    @Override
    public void setTransactionIsolation(int a0) {
    }

    @Override
    public void setTypeMap(java.util.Map<String, Class<?>> a0) {
    }

    @Override
    public <T> T unwrap(Class<T> a0) {
        return (T) this;
    }
}

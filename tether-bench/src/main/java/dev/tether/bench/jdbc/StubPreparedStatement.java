package dev.tether.bench.jdbc;

import java.sql.*;

/**
 * A statement of the stub driver: every kind (plain, prepared, callable) in one class.
 * Every method answers at once with a neutral value; written out in full (not a reflective proxy)
 * so that a benchmark measures the pool around it, not reflection: HikariCP's own benchmarks do the same.
 */
@SuppressWarnings({"deprecation", "unchecked"})
final class StubPreparedStatement implements CallableStatement {
    private final StubConnection connection;
    private final StubResultSet resultSet = new StubResultSet(this);
    private boolean closed;

    StubPreparedStatement(StubConnection connection) {
        this.connection = connection;
    }

    @Override
    public void addBatch() {
    }

    @Override
    public void addBatch(String a0) {
    }

    @Override
    public void cancel() {
    }

    @Override
    public void clearBatch() {
    }

    @Override
    public void clearParameters() {
    }

    @Override
    public void clearWarnings() {
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public void closeOnCompletion() {
    }

    @Override
    public String enquoteIdentifier(String a0, boolean a1) {
        return null;
    }

    @Override
    public String enquoteLiteral(String a0) {
        return null;
    }

    @Override
    public String enquoteNCharLiteral(String a0) {
        return null;
    }

    @Override
    public boolean execute() {
        return false;
    }

    @Override
    public boolean execute(String a0) {
        return false;
    }

    @Override
    public boolean execute(String a0, String[] a1) {
        return false;
    }

    @Override
    public boolean execute(String a0, int a1) {
        return false;
    }

    @Override
    public boolean execute(String a0, int[] a1) {
        return false;
    }

    @Override
    public int[] executeBatch() {
        return null;
    }

    @Override
    public long[] executeLargeBatch() {
        return null;
    }

    @Override
    public long executeLargeUpdate() {
        return 0;
    }

    @Override
    public long executeLargeUpdate(String a0) {
        return 0;
    }

    @Override
    public long executeLargeUpdate(String a0, String[] a1) {
        return 0;
    }

    @Override
    public long executeLargeUpdate(String a0, int a1) {
        return 0;
    }

    @Override
    public long executeLargeUpdate(String a0, int[] a1) {
        return 0;
    }

    @Override
    public ResultSet executeQuery() {
        return resultSet.open();
    }

    @Override
    public ResultSet executeQuery(String a0) {
        return resultSet.open();
    }

    @Override
    public int executeUpdate() {
        return 1;
    }

    @Override
    public int executeUpdate(String a0) {
        return 1;
    }

    @Override
    public int executeUpdate(String a0, String[] a1) {
        return 1;
    }

    @Override
    public int executeUpdate(String a0, int a1) {
        return 1;
    }

    @Override
    public int executeUpdate(String a0, int[] a1) {
        return 1;
    }

    @Override
    public Array getArray(String a0) {
        return null;
    }

    @Override
    public Array getArray(int a0) {
        return null;
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String a0) {
        return null;
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int a0) {
        return null;
    }

    @Deprecated
    @Override
    public java.math.BigDecimal getBigDecimal(int a0, int a1) {
        return null;
    }

    @Override
    public Blob getBlob(String a0) {
        return null;
    }

    @Override
    public Blob getBlob(int a0) {
        return null;
    }

    @Override
    public boolean getBoolean(String a0) {
        return false;
    }

    @Override
    public boolean getBoolean(int a0) {
        return false;
    }

    @Override
    public byte getByte(String a0) {
        return 0;
    }

    @Override
    public byte getByte(int a0) {
        return 0;
    }

    @Override
    public byte[] getBytes(String a0) {
        return null;
    }

    @Override
    public byte[] getBytes(int a0) {
        return null;
    }

    @Override
    public java.io.Reader getCharacterStream(String a0) {
        return null;
    }

    @Override
    public java.io.Reader getCharacterStream(int a0) {
        return null;
    }

    @Override
    public Clob getClob(String a0) {
        return null;
    }

    @Override
    public Clob getClob(int a0) {
        return null;
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public Date getDate(String a0) {
        return null;
    }

    @Override
    public Date getDate(String a0, java.util.Calendar a1) {
        return null;
    }

    @Override
    public Date getDate(int a0) {
        return null;
    }

    @Override
    public Date getDate(int a0, java.util.Calendar a1) {
        return null;
    }

    @Override
    public double getDouble(String a0) {
        return 0;
    }

    @Override
    public double getDouble(int a0) {
        return 0;
    }

    @Override
    public int getFetchDirection() {
        return 0;
    }

    @Override
    public int getFetchSize() {
        return 0;
    }

    @Override
    public float getFloat(String a0) {
        return 0;
    }

    @Override
    public float getFloat(int a0) {
        return 0;
    }

    @Override
    public ResultSet getGeneratedKeys() {
        return null;
    }

    @Override
    public int getInt(String a0) {
        return 0;
    }

    @Override
    public int getInt(int a0) {
        return 0;
    }

    @Override
    public long getLargeMaxRows() {
        return 0;
    }

    @Override
    public long getLargeUpdateCount() {
        return 0;
    }

    @Override
    public long getLong(String a0) {
        return 0;
    }

    @Override
    public long getLong(int a0) {
        return 0;
    }

    @Override
    public int getMaxFieldSize() {
        return 0;
    }

    @Override
    public int getMaxRows() {
        return 0;
    }

    @Override
    public ResultSetMetaData getMetaData() {
        return null;
    }

    @Override
    public boolean getMoreResults() {
        return false;
    }

    @Override
    public boolean getMoreResults(int a0) {
        return false;
    }

    @Override
    public java.io.Reader getNCharacterStream(String a0) {
        return null;
    }

    @Override
    public java.io.Reader getNCharacterStream(int a0) {
        return null;
    }

    @Override
    public NClob getNClob(String a0) {
        return null;
    }

    @Override
    public NClob getNClob(int a0) {
        return null;
    }

    @Override
    public String getNString(String a0) {
        return null;
    }

    @Override
    public String getNString(int a0) {
        return null;
    }

    @Override
    public Object getObject(String a0) {
        return null;
    }

    @Override
    public <T> T getObject(String a0, Class<T> a1) {
        return null;
    }

    @Override
    public Object getObject(String a0, java.util.Map<String, Class<?>> a1) {
        return null;
    }

    @Override
    public Object getObject(int a0) {
        return null;
    }

    @Override
    public <T> T getObject(int a0, Class<T> a1) {
        return null;
    }

    @Override
    public Object getObject(int a0, java.util.Map<String, Class<?>> a1) {
        return null;
    }

    @Override
    public ParameterMetaData getParameterMetaData() {
        return null;
    }

    @Override
    public int getQueryTimeout() {
        return 0;
    }

    @Override
    public Ref getRef(String a0) {
        return null;
    }

    @Override
    public Ref getRef(int a0) {
        return null;
    }

    @Override
    public ResultSet getResultSet() {
        return resultSet;
    }

    @Override
    public int getResultSetConcurrency() {
        return 0;
    }

    @Override
    public int getResultSetHoldability() {
        return 0;
    }

    @Override
    public int getResultSetType() {
        return 0;
    }

    @Override
    public RowId getRowId(String a0) {
        return null;
    }

    @Override
    public RowId getRowId(int a0) {
        return null;
    }

    @Override
    public SQLXML getSQLXML(String a0) {
        return null;
    }

    @Override
    public SQLXML getSQLXML(int a0) {
        return null;
    }

    @Override
    public short getShort(String a0) {
        return 0;
    }

    @Override
    public short getShort(int a0) {
        return 0;
    }

    @Override
    public String getString(String a0) {
        return null;
    }

    @Override
    public String getString(int a0) {
        return null;
    }

    @Override
    public Time getTime(String a0) {
        return null;
    }

    @Override
    public Time getTime(String a0, java.util.Calendar a1) {
        return null;
    }

    @Override
    public Time getTime(int a0) {
        return null;
    }

    @Override
    public Time getTime(int a0, java.util.Calendar a1) {
        return null;
    }

    @Override
    public Timestamp getTimestamp(String a0) {
        return null;
    }

    @Override
    public Timestamp getTimestamp(String a0, java.util.Calendar a1) {
        return null;
    }

    @Override
    public Timestamp getTimestamp(int a0) {
        return null;
    }

    @Override
    public Timestamp getTimestamp(int a0, java.util.Calendar a1) {
        return null;
    }

    @Override
    public java.net.URL getURL(String a0) {
        return null;
    }

    @Override
    public java.net.URL getURL(int a0) {
        return null;
    }

    @Override
    public int getUpdateCount() {
        return 0;
    }

    @Override
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public boolean isCloseOnCompletion() {
        return false;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isPoolable() {
        return false;
    }

    @Override
    public boolean isSimpleIdentifier(String a0) {
        return false;
    }

    @Override
    public boolean isWrapperFor(Class<?> a0) {
        return false;
    }

    @Override
    public void registerOutParameter(String a0, SQLType a1) {
    }

    @Override
    public void registerOutParameter(String a0, SQLType a1, String a2) {
    }

    @Override
    public void registerOutParameter(String a0, SQLType a1, int a2) {
    }

    @Override
    public void registerOutParameter(String a0, int a1) {
    }

    @Override
    public void registerOutParameter(String a0, int a1, String a2) {
    }

    @Override
    public void registerOutParameter(String a0, int a1, int a2) {
    }

    @Override
    public void registerOutParameter(int a0, SQLType a1) {
    }

    @Override
    public void registerOutParameter(int a0, SQLType a1, String a2) {
    }

    @Override
    public void registerOutParameter(int a0, SQLType a1, int a2) {
    }

    @Override
    public void registerOutParameter(int a0, int a1) {
    }

    @Override
    public void registerOutParameter(int a0, int a1, String a2) {
    }

    @Override
    public void registerOutParameter(int a0, int a1, int a2) {
    }

    @Override
    public void setArray(int a0, Array a1) {
    }

    @Override
    public void setAsciiStream(String a0, java.io.InputStream a1) {
    }

    @Override
    public void setAsciiStream(String a0, java.io.InputStream a1, int a2) {
    }

    @Override
    public void setAsciiStream(String a0, java.io.InputStream a1, long a2) {
    }

    @Override
    public void setAsciiStream(int a0, java.io.InputStream a1) {
    }

    @Override
    public void setAsciiStream(int a0, java.io.InputStream a1, int a2) {
    }

    @Override
    public void setAsciiStream(int a0, java.io.InputStream a1, long a2) {
    }

    @Override
    public void setBigDecimal(String a0, java.math.BigDecimal a1) {
    }

    @Override
    public void setBigDecimal(int a0, java.math.BigDecimal a1) {
    }

    @Override
    public void setBinaryStream(String a0, java.io.InputStream a1) {
    }

    @Override
    public void setBinaryStream(String a0, java.io.InputStream a1, int a2) {
    }

    @Override
    public void setBinaryStream(String a0, java.io.InputStream a1, long a2) {
    }

    @Override
    public void setBinaryStream(int a0, java.io.InputStream a1) {
    }

    @Override
    public void setBinaryStream(int a0, java.io.InputStream a1, int a2) {
    }

    @Override
    public void setBinaryStream(int a0, java.io.InputStream a1, long a2) {
    }

    @Override
    public void setBlob(String a0, Blob a1) {
    }

    @Override
    public void setBlob(String a0, java.io.InputStream a1) {
    }

    @Override
    public void setBlob(String a0, java.io.InputStream a1, long a2) {
    }

    @Override
    public void setBlob(int a0, Blob a1) {
    }

    @Override
    public void setBlob(int a0, java.io.InputStream a1) {
    }

    @Override
    public void setBlob(int a0, java.io.InputStream a1, long a2) {
    }

    @Override
    public void setBoolean(String a0, boolean a1) {
    }

    @Override
    public void setBoolean(int a0, boolean a1) {
    }

    @Override
    public void setByte(String a0, byte a1) {
    }

    @Override
    public void setByte(int a0, byte a1) {
    }

    @Override
    public void setBytes(String a0, byte[] a1) {
    }

    @Override
    public void setBytes(int a0, byte[] a1) {
    }

    @Override
    public void setCharacterStream(String a0, java.io.Reader a1) {
    }

    @Override
    public void setCharacterStream(String a0, java.io.Reader a1, int a2) {
    }

    @Override
    public void setCharacterStream(String a0, java.io.Reader a1, long a2) {
    }

    @Override
    public void setCharacterStream(int a0, java.io.Reader a1) {
    }

    @Override
    public void setCharacterStream(int a0, java.io.Reader a1, int a2) {
    }

    @Override
    public void setCharacterStream(int a0, java.io.Reader a1, long a2) {
    }

    @Override
    public void setClob(String a0, Clob a1) {
    }

    @Override
    public void setClob(String a0, java.io.Reader a1) {
    }

    @Override
    public void setClob(String a0, java.io.Reader a1, long a2) {
    }

    @Override
    public void setClob(int a0, Clob a1) {
    }

    @Override
    public void setClob(int a0, java.io.Reader a1) {
    }

    @Override
    public void setClob(int a0, java.io.Reader a1, long a2) {
    }

    @Override
    public void setCursorName(String a0) {
    }

    @Override
    public void setDate(String a0, Date a1) {
    }

    @Override
    public void setDate(String a0, Date a1, java.util.Calendar a2) {
    }

    @Override
    public void setDate(int a0, Date a1) {
    }

    @Override
    public void setDate(int a0, Date a1, java.util.Calendar a2) {
    }

    @Override
    public void setDouble(String a0, double a1) {
    }

    @Override
    public void setDouble(int a0, double a1) {
    }

    @Override
    public void setEscapeProcessing(boolean a0) {
    }

    @Override
    public void setFetchDirection(int a0) {
    }

    @Override
    public void setFetchSize(int a0) {
    }

    @Override
    public void setFloat(String a0, float a1) {
    }

    @Override
    public void setFloat(int a0, float a1) {
    }

    @Override
    public void setInt(String a0, int a1) {
    }

    @Override
    public void setInt(int a0, int a1) {
    }

    @Override
    public void setLargeMaxRows(long a0) {
    }

    @Override
    public void setLong(String a0, long a1) {
    }

    @Override
    public void setLong(int a0, long a1) {
    }

    @Override
    public void setMaxFieldSize(int a0) {
    }

    @Override
    public void setMaxRows(int a0) {
    }

    @Override
    public void setNCharacterStream(String a0, java.io.Reader a1) {
    }

    @Override
    public void setNCharacterStream(String a0, java.io.Reader a1, long a2) {
    }

    @Override
    public void setNCharacterStream(int a0, java.io.Reader a1) {
    }

    @Override
    public void setNCharacterStream(int a0, java.io.Reader a1, long a2) {
    }

    @Override
    public void setNClob(String a0, NClob a1) {
    }

    @Override
    public void setNClob(String a0, java.io.Reader a1) {
    }

    @Override
    public void setNClob(String a0, java.io.Reader a1, long a2) {
    }

    @Override
    public void setNClob(int a0, NClob a1) {
    }

    @Override
    public void setNClob(int a0, java.io.Reader a1) {
    }

    @Override
    public void setNClob(int a0, java.io.Reader a1, long a2) {
    }

    @Override
    public void setNString(String a0, String a1) {
    }

    @Override
    public void setNString(int a0, String a1) {
    }

    @Override
    public void setNull(String a0, int a1) {
    }

    @Override
    public void setNull(String a0, int a1, String a2) {
    }

    @Override
    public void setNull(int a0, int a1) {
    }

    @Override
    public void setNull(int a0, int a1, String a2) {
    }

    @Override
    public void setObject(String a0, Object a1) {
    }

    @Override
    public void setObject(String a0, Object a1, SQLType a2) {
    }

    @Override
    public void setObject(String a0, Object a1, SQLType a2, int a3) {
    }

    @Override
    public void setObject(String a0, Object a1, int a2) {
    }

    @Override
    public void setObject(String a0, Object a1, int a2, int a3) {
    }

    @Override
    public void setObject(int a0, Object a1) {
    }

    @Override
    public void setObject(int a0, Object a1, SQLType a2) {
    }

    @Override
    public void setObject(int a0, Object a1, SQLType a2, int a3) {
    }

    @Override
    public void setObject(int a0, Object a1, int a2) {
    }

    @Override
    public void setObject(int a0, Object a1, int a2, int a3) {
    }

    @Override
    public void setPoolable(boolean a0) {
    }

    @Override
    public void setQueryTimeout(int a0) {
    }

    @Override
    public void setRef(int a0, Ref a1) {
    }

    @Override
    public void setRowId(String a0, RowId a1) {
    }

    @Override
    public void setRowId(int a0, RowId a1) {
    }

    @Override
    public void setSQLXML(String a0, SQLXML a1) {
    }

    @Override
    public void setSQLXML(int a0, SQLXML a1) {
    }

    @Override
    public void setShort(String a0, short a1) {
    }

    @Override
    public void setShort(int a0, short a1) {
    }

    @Override
    public void setString(String a0, String a1) {
    }

    @Override
    public void setString(int a0, String a1) {
    }

    @Override
    public void setTime(String a0, Time a1) {
    }

    @Override
    public void setTime(String a0, Time a1, java.util.Calendar a2) {
    }

    @Override
    public void setTime(int a0, Time a1) {
    }

    @Override
    public void setTime(int a0, Time a1, java.util.Calendar a2) {
    }

    @Override
    public void setTimestamp(String a0, Timestamp a1) {
    }

    @Override
    public void setTimestamp(String a0, Timestamp a1, java.util.Calendar a2) {
    }

    @Override
    public void setTimestamp(int a0, Timestamp a1) {
    }

    @Override
    public void setTimestamp(int a0, Timestamp a1, java.util.Calendar a2) {
    }

    @Override
    public void setURL(String a0, java.net.URL a1) {
    }

    @Override
    public void setURL(int a0, java.net.URL a1) {
    }

    @Deprecated
    @Override
    public void setUnicodeStream(int a0, java.io.InputStream a1, int a2) {
    }

    @Override
    public <T> T unwrap(Class<T> a0) {
        return null;
    }

    @Override
    public boolean wasNull() {
        return false;
    }
}

package dev.idem.hibernate.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** An assigned id, a balance and a points counter, no version: what lost updates and transfers are made of. */
@Entity
public class Wallet {
    @Id
    private Long id;

    private long balance;

    private long points;

    protected Wallet() {
    }

    public Wallet(long id, long balance) {
        this.id = id;
        this.balance = balance;
    }

    public Long getId() {
        return id;
    }

    public long getBalance() {
        return balance;
    }

    public void setBalance(long balance) {
        this.balance = balance;
    }

    public long getPoints() {
        return points;
    }

    public void setPoints(long points) {
        this.points = points;
    }
}
